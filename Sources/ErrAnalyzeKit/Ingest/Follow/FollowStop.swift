import Foundation

/// Asks a follower to stop (SIGTERM, SIGINT, a test) and wakes it from its sleep between
/// passes, so that it stops at once rather than at the end of an interval.
public final class FollowStop: @unchecked Sendable {
    private let condition = NSCondition()
    private var requested = false

    public init() {}

    /// Asks the follower to stop after the pass under way (if any).
    public func request() {
        condition.lock()
        requested = true
        condition.broadcast()
        condition.unlock()
    }

    public var isRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return requested
    }

    /// Sleeps for `seconds`, or less if a stop is requested; true when one is.
    public func wait(seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !requested {
            if !condition.wait(until: deadline) { break }
        }
        return requested
    }
}
