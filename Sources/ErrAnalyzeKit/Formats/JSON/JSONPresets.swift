/// The JSON formats erranalyze knows, as field maps. Paths follow each product's
/// documented field names; see README.md, "Log formats", for the list and for how to log error codes.
public enum JSONPresets {
}
