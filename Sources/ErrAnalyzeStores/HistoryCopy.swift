import ErrAnalyzeKit
import ErrAnalyzePostgres
import ErrAnalyzeSQLite

/// `erranalyze copy`: the hosts of an SQLite database copied into a PostgreSQL fleet
/// database, one transaction per host (`PostgresStore.importHistory`), all read from one
/// snapshot of the SQLite file, which is never written.
public enum HistoryCopy {
    public struct Unsupported: Error, CustomStringConvertible {
        public var description: String
    }

    /// Copies every host of `source` that `hosts` selects (patterns with `*`; empty: all),
    /// calling `each` after each host with what happened to it: a refused host
    /// (`HostHistory.decide`) does not stop the others. Throws when the source or the target
    /// cannot be opened or read, and `Unsupported` unless `source` is an SQLite file and
    /// `target` a PostgreSQL database. Returns how many hosts were selected.
    @discardableResult
    public static func run(from source: StoreLocation, to target: StoreLocation, hosts: [String] = [],
                           each: (String, Result<HostHistory.Outcome, Error>) -> Void) throws -> Int {
        guard case .sqlite(let path) = source else {
            throw Unsupported(description: "\(source): copy reads an SQLite file; a PostgreSQL database cannot be the source")
        }
        guard case .postgres(let server) = target else {
            throw Unsupported(description: "\(target): copy writes into a PostgreSQL database (postgresql://…); copying between SQLite files is not supported")
        }
        var filter = TrafficFilter()
        filter.hosts = hosts
        let reader = try SQLiteStore(path: path, readOnly: true)
        let writer = try PostgresStore(server, host: nil, mode: .copy)
        return try reader.snapshot {
            let selected = try reader.historyHosts().filter { hosts.isEmpty || filter.matches(host: $0.name) }
            for host in selected {
                do {
                    each(host.name, .success(try writer.importHistory(of: host, from: reader)))
                } catch let refused as HostHistory.Refused {
                    each(host.name, .failure(refused))
                }
            }
            return selected.count
        }
    }
}
