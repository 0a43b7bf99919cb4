import ErrAnalyzeKit
import Glibc

/// A follower's turn on an SQLite database is its writer lock, taken for one pass: it asks
/// every 50 ms, so that a cron ingest holding the lock for a long run delays it without
/// blocking a stop (a blocking `flock` could not be interrupted cleanly).
extension WriterLock: WriterTurn {
    public func take(until stop: FollowStop) throws -> Bool {
        while !stop.isRequested {
            if try tryLock() { return true }
            if stop.wait(seconds: 0.05) { return false }
        }
        return false
    }

    public func release() { unlock() }
}
