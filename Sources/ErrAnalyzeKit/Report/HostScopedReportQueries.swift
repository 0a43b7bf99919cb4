/// The report questions of the store seam (issue 12) that a store restricts to `filter.hosts`:
/// clients and malformed lines are kept per host, so `report --host` narrows them too.
///
/// A bridge until the store seam lands (ReportStore then asks these itself, with the same
/// signatures, and this protocol goes): a store that does not conform records no hosts, so all
/// of its traffic belongs to the host "" (`TrafficGroup.host`'s default), and `ReportBuilder`
/// keeps all of its clients and malformed lines, or none, by whether "" matches the filter.
public protocol HostScopedReportQueries: AnyObject {
    /// Clients with the most errors among the hosts `filter` matches (only its hosts apply).
    func clientErrors(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal]
    /// Clients with the most 429s among the hosts `filter` matches (only its hosts apply).
    func rateLimitedClients(in window: HourWindow, limit: Int, matching filter: TrafficFilter) throws -> [ClientErrorTotal]
    /// Malformed lines of the files of the hosts `filter` matches that overlap the window.
    func malformedSummary(in window: HourWindow, matching filter: TrafficFilter) throws -> MalformedSummary
}
