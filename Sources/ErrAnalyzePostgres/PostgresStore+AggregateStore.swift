import ErrAnalyzeKit

/// Today's store protocols (`AggregateStore`, `ReportQueries`), so that `IngestEngine` and
/// `ReportBuilder` drive this store as they drive SQLite's. The calls without a filter ask
/// about every host. (The seam's `IngestStore`/`ReportStore`/`StoreMaintenance` replace these.)
extension PostgresStore: AggregateStore, ReportQueries {
    public func findLedgerEntry(head: [UInt8]) throws -> LedgerEntry? {
        try ledgerLookup(head: head).candidates.first
    }

    public func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount] {
        try hourlyStatusCounts(in: window, matching: TrafficFilter())
    }

    public func clientErrors(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        try clientErrors(in: window, limit: limit, matching: TrafficFilter())
    }

    public func rateLimitedClients(in window: HourWindow, limit: Int) throws -> [ClientErrorTotal] {
        try rateLimitedClients(in: window, limit: limit, matching: TrafficFilter())
    }

    public func malformedSummary(in window: HourWindow) throws -> MalformedSummary {
        try malformedSummary(in: window, matching: TrafficFilter())
    }
}
