/// This release of erranalyze and the database schema it writes (`erranalyze --version`).
public enum Release {
    public static let version = "0.1.0"

    /// `PRAGMA user_version` of the databases this build writes; older ones are upgraded
    /// when opened, newer ones refused.
    public static var schemaVersion: Int { Migrations.currentVersion }
}
