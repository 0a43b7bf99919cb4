import Foundation

/// `top` on the database when its output is not a terminal: one line per interval, like
/// `vmstat`, with the totals of the last `windowMinutes` minutes the database holds (not the
/// traffic since the last line: the database view reads its minutes again each time), the
/// hosts they come from, and the window's first code (a new code or a spike when there is one).
public enum LiveWindowLine {
    public static func header(windowMinutes: Int) -> String {
        "time      requests    req/s  errors   err/s  err%/\(windowMinutes)m  hosts  top code/\(windowMinutes)m"
    }

    /// The line at `time` (seconds since the epoch); with a notice (nothing to show, and why),
    /// the time and the notice.
    public static func line(view: LiveView, time: Int64, windowMinutes: Int, filter: LiveFilter = LiveFilter(""),
                            notice: String? = nil) -> String {
        let clock = LiveSummaryLine.clock(time)
        if let notice { return clock + "  " + notice }
        let window = view.snapshot(windowMinutes: windowMinutes, now: time, filter: filter, limit: 1000)
        var top = "-"
        if let code = window.codes.first {
            top = "\(code.code.isEmpty ? String(code.status) : code.code) \(code.count)"
            switch code.change {
            case .new: top += " new"
            case .spike(let ratio): top += String(format: " ×%.1f", ratio)
            default: break
            }
        }
        let numbers = String(format: " %9lld %8.1f %7lld %7.1f %7.2f%%  %5d  ", window.requests, window.requestsPerSecond, window.errors,
                             window.errorsPerSecond, window.errorRate * 100, window.hosts.count)
        return clock + numbers + top
    }
}
