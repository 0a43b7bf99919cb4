/// The store seam. Ingest, report, status and prune talk to a store only through these
/// protocols; the SQLite store (ErrAnalyzeSQLite) and the PostgreSQL store
/// (ErrAnalyzePostgres) implement them, and the contract tests hold both to the same answers.
/// Stores fail with `StoreFailure`, in words every store shares.

/// What ingest needs: one host's ledger of files, and the commit of a step.
public protocol IngestStore: AnyObject {
    /// Whose traffic this store records (every row and ledger entry carries it).
    var host: String { get }
    /// This host's ledger entries whose first bytes match `head` (see `LedgerLookup`).
    func ledgerLookup(head: [UInt8]) throws -> LedgerLookup
    /// This host's entry of a compressed file read to its end whose `sourceKey` this is.
    func ledgerEntry(sourceKey: String) throws -> LedgerEntry?
    /// The step's aggregates and the ledger's move, in one transaction: counted whole or not
    /// at all. Throws `StoreConflict` when another run moved the same entry first (or
    /// recorded the same new content), so that nothing is counted twice.
    @discardableResult func commit(_ checkpoint: IngestCheckpoint) throws -> Int64
    /// This host's ledger.
    func ledgerEntries() throws -> [LedgerEntry]
    /// Called inside each commit's transaction, after its writes and before COMMIT: lets the
    /// crash tests (`ERRANALYZE_DEBUG_KILL=in-commit:N`) stop the process at the worst moment.
    var beforeCommit: (() -> Void)? { get set }
}

extension IngestStore {
    /// The most recently ingested entry whose first bytes match `head`.
    public func findLedgerEntry(head: [UInt8]) throws -> LedgerEntry? {
        try ledgerLookup(head: head).candidates.first
    }
}

/// What a report reads, over every host unless a filter names some.
public protocol ReportStore: AnyObject {
    /// Runs `body`, whose questions all see one state of the store (one report), whatever
    /// ingests commit meanwhile.
    func snapshot<T>(_ body: () throws -> T) throws -> T
    /// Sums per host × route × method × status × code × flags over the window, in
    /// `TrafficGroup.inNameOrder`.
    func trafficGroups(in window: HourWindow) throws -> [TrafficGroup]
    /// Requests per hour and status, of every host.
    func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount]
    /// Requests per hour and status, counting only the traffic `filter` matches.
    func hourlyStatusCounts(in window: HourWindow, matching filter: TrafficFilter) throws -> [HourlyStatusCount]
    /// Clients with the most errors, of the hosts `filter` selects (its other parts do not apply).
    func clientErrors(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal]
    /// Clients with the most 429 responses (none left out when they have none), of the hosts
    /// `filter` selects.
    func rateLimitedClients(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal]
    /// Malformed lines of the files, of the hosts `filter` selects, whose requests overlap the window.
    func malformedSummary(in window: HourWindow, matching filter: TrafficFilter) throws -> MalformedSummary
    /// The first and last hour that hold data, or nil when the store is empty.
    func dataHours() throws -> (first: Int32, last: Int32)?
}

/// What `status` and `prune` need.
public protocol MaintenanceStore: AnyObject {
    func schemaVersion() throws -> Int
    func status() throws -> StoreStatus
    func prune(beforeHour: Int32, now: Int64, dryRun: Bool) throws -> PruneResult
    /// What a full check of the database finds wrong (empty when all is well).
    func integrityProblems(full: Bool, limit: Int) throws -> [String]
}

/// A store whose hosts' histories can be read out whole, store-neutral (`HostHistory`): the
/// source of `erranalyze copy`. Call everything inside one `snapshot`, so that an ingest
/// running meanwhile cannot make the ledger and the aggregates disagree.
public protocol HostHistorySource: AnyObject {
    func snapshot<T>(_ body: () throws -> T) throws -> T
    /// Every host that has a ledger entry or an aggregate row, by name.
    func historyHosts() throws -> [HostHistory.Host]
    /// The host's ledger, with malformed-line counts and samples, in the order it was recorded.
    func historyFiles(host: String) throws -> [HostHistory.File]
    /// The UTC days (since the epoch) that hold any row of the host, ascending.
    func historyDays(host: String) throws -> [Int64]
    /// The host's rows of one day.
    func historyDay(_ day: Int64, host: String) throws -> HostHistory.Day
}
