import Foundation

/// `top` when its output is not a terminal: one line per interval, like `vmstat`, for pipes
/// and logs. The header is printed once; each line gives the interval's requests and errors,
/// their rates, the error rate of the last minute, and the first code of the minute's list
/// (a new code or a spike when there is one).
public struct LiveSummaryLine {
    public static let header = "time      requests    req/s  errors   err/s  err%/1m  top code/1m"

    private var lastRequests: Int64 = 0
    private var lastErrors: Int64 = 0
    private var lastTime: Double

    public init(startedAt: Double) {
        lastTime = startedAt
    }

    /// The line for the interval ending at `time` (seconds since the epoch).
    public mutating func line(view: LiveView, time: Double, filter: LiveFilter = LiveFilter("")) -> String {
        let requests = view.totalRequests - lastRequests
        let errors = view.totalErrors - lastErrors
        let seconds = max(0.001, time - lastTime)
        lastRequests = view.totalRequests
        lastErrors = view.totalErrors
        lastTime = time
        let minute = view.snapshot(windowMinutes: 1, now: Int64(time), filter: filter, limit: 1)
        let clock = Self.clock(Int64(time))
        var top = "-"
        if let code = minute.codes.first {
            top = "\(code.code.isEmpty ? String(code.status) : code.code) \(code.count)"
            switch code.change {
            case .new: top += " new"
            case .spike(let ratio): top += String(format: " ×%.1f", ratio)
            default: break
            }
        }
        let numbers = String(format: " %9lld %8.1f %7lld %7.1f %7.2f%%  ", requests, Double(requests) / seconds, errors,
                             Double(errors) / seconds, minute.errorRate * 100)
        return clock + numbers + top
    }

    /// `HH:MM:SS` in UTC.
    static func clock(_ time: Int64) -> String {
        let day = ((time % 86_400) + 86_400) % 86_400
        return String(format: "%02lld:%02lld:%02lld", day / 3600, day / 60 % 60, day % 60)
    }
}
