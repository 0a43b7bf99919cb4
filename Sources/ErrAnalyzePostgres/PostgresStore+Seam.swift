import ErrAnalyzeKit

/// The store seam's protocols, so that `IngestEngine`, `ReportBuilder`, `status` and `prune`
/// drive this store as they drive SQLite's. The calls without a filter ask about every host.
extension PostgresStore: IngestStore, ReportStore, MaintenanceStore {
    public func hourlyStatusCounts(in window: HourWindow) throws -> [HourlyStatusCount] {
        try hourlyStatusCounts(in: window, matching: TrafficFilter())
    }

    public func integrityProblems(full: Bool, limit: Int) throws -> [String] {
        Array(try checkIntegrity().prefix(limit))
    }
}
