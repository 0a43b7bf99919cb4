import ErrAnalyzeKit
/// Client rows: at most `maxClientsPerHour` per hour and host in the database, the rest `(other)`.
extension SQLiteStore {
    /// The name errors of clients not kept by name are counted under, in memory
    /// (`ClientTally.folded`) and in the database.
    public static let otherClient = "(other)"

    /// Client rows per hour, `(other)` included, unless changed on the store.
    public static let defaultMaxClientsPerHour = 1000

    /// Adds a step's client errors to `client_errors`, keeping at most `maxClientsPerHour`
    /// rows per hour (`(other)` among them):
    ///
    /// 1. clients the hour already names keep their rows and are added to exactly;
    /// 2. then the step's other clients by errors (then 429s, then name), heaviest first,
    ///    while the hour has fewer than `maxClientsPerHour - 1` named clients;
    /// 3. the rest, with what the step had already folded in memory, go to the hour's
    ///    `(other)` row.
    ///
    /// So every hour's sum is exact, a named row counts only that client's errors, and names
    /// that are folded are never written to the `clients` table: it holds at most
    /// `maxClientsPerHour` names per stored hour (and `prune` drops names no longer used).
    func writeClients(_ tally: ClientTally) throws {
        guard !tally.isEmpty else { return }
        // The cap is per hour and host, like the routes'; which clients keep their names is
        // the rule every store shares (PerHourCap.clientRows).
        let host = try hostID()
        let present = try connection.prepare(
            "SELECT value FROM clients WHERE id IN (SELECT client_id FROM client_errors WHERE hour = ? AND host_id = ?)")
        let kept = try PerHourCap.clientRows(tally, maxClients: maxClientsPerHour) { hour in
            var names = Set<String>()
            try present.bind([Int64(hour), host]).forEachRow { names.insert($0.string(0)) }
            return names
        }
        let select = try connection.prepare("SELECT id FROM clients WHERE value = ?")
        let insert = try connection.prepare("INSERT INTO clients (value) VALUES (?)")
        func id(_ name: String) throws -> Int64 {
            if let known = try select.bindText(name).firstRow({ $0.int(0) }) { return known }
            try insert.bindText(name).run()
            return connection.lastInsertRowID
        }
        var rows: [(hour: Int64, client: Int64, counts: ClientCounts)] = []
        for row in kept { rows.append((Int64(row.hour), try id(row.name), row.counts)) }
        // In primary-key order: each upsert lands next to the previous one in the B-tree.
        rows.sort { ($0.hour, $0.client) < ($1.hour, $1.client) }
        let upsert = try connection.prepare("""
            INSERT INTO client_errors (hour, host_id, client_id, errors, rate_limited) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (hour, host_id, client_id) DO UPDATE SET
                errors = errors + excluded.errors, rate_limited = rate_limited + excluded.rate_limited
            """)
        for row in rows {
            upsert.bindIntegers(row.hour, host, row.client, row.counts.errors, row.counts.rateLimited)
            try upsert.run()
        }
    }
}

/// Client errors summed over a report's window by client id. Ids of the `clients` table are
/// dense (rows are numbered as added), so while the largest is moderate the sums live in an
/// array indexed by id: a month of a capped scan is ~700k clients, which a hash table
/// spreads over cache misses.
struct ClientSums {
    /// Up to this id (16 bytes each: 32 MB) an array; past it (ids left sparse by years of
    /// prunes) a hash table.
    static let denseLimit: Int64 = 1 << 21

    private var dense: [ClientCounts] = []
    private var sparse = CounterTable<StoredClientKey, ClientCounts>(capacity: 1024)
    private let isDense: Bool

    init(largestID: Int64) {
        isDense = largestID >= 0 && largestID < Self.denseLimit
        if isDense { dense = [ClientCounts](repeating: ClientCounts(), count: Int(largestID) + 1) }
    }

    @inline(__always)
    mutating func add(_ id: Int64, _ counts: ClientCounts) {
        if isDense && id >= 0 && id < Int64(dense.count) {
            dense[Int(id)] += counts
        } else {
            sparse.add(StoredClientKey(id: id), counts)
        }
    }

    subscript(id: Int64) -> ClientCounts? {
        if isDense && id >= 0 && id < Int64(dense.count) {
            let counts = dense[Int(id)]
            return counts.errors == 0 && counts.rateLimited == 0 ? nil : counts
        }
        return sparse[StoredClientKey(id: id)]
    }

    /// Each client with errors in the window, and its sums.
    func forEach(_ body: (Int64, ClientCounts) throws -> Void) rethrows {
        for (id, counts) in dense.enumerated() where counts.errors != 0 || counts.rateLimited != 0 { try body(Int64(id), counts) }
        for (key, counts) in sparse { try body(key.id, counts) }
    }
}
