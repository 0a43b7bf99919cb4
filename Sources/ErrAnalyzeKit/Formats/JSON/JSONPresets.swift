/// The JSON formats erranalyze knows, as field maps. Paths follow each product's
/// documented field names; see docs/formats.md for the list and for how to log error codes.
public enum JSONPresets {
}
