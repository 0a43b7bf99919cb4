/// This release of erranalyze (`erranalyze --version`).
public enum Release {
    public static let version = "0.1.0"
}
