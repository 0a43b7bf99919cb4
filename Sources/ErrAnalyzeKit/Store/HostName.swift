import Glibc

/// Whose traffic a store's rows are: every row and ledger entry carries a host, the machine
/// that ingested it unless `ingest --host` names another (a container, a pod, a workload).
public enum HostName {
    /// This machine's name (`gethostname(2)`), or `localhost` when it has none.
    public static func machine() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return name.isEmpty ? "localhost" : name
    }

    /// Why `name` cannot name a host, or nil when it can: one line for a usage error.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "a host name cannot be empty" }
        if name.utf8.count > 255 { return "a host name is at most 255 bytes" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "a host name cannot contain control characters"
        }
        if name.contains("*") { return "a host name cannot contain '*' (it is the pattern character of report --host)" }
        return nil
    }
}
