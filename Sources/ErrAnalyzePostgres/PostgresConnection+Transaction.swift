import Glibc

extension PostgresConnection {
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Runs `body` in one transaction (`BEGIN … COMMIT`), rolled back if it throws. A
    /// serialization failure or a deadlock (SQLSTATE 40001, 40P01), in the body or at COMMIT,
    /// runs the whole body again, up to `maxAttempts` times, after a short random pause so
    /// that the hosts that collided do not collide again. The body must therefore do nothing
    /// outside the database that cannot be done twice.
    @discardableResult
    public func transaction<T>(_ isolation: IsolationLevel = .readCommitted, maxAttempts: Int = 10,
                               _ body: (PostgresConnection) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                try execute("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
                let value = try body(self)
                try execute("COMMIT")
                return value
            } catch let error as PostgresError where error.isRetryable && attempt < maxAttempts {
                rollbackQuietly()
                retriedTransactions += 1
                // 2–20 ms times the attempt, random: the colliding transactions start apart.
                usleep(UInt32.random(in: 2_000...20_000) * UInt32(attempt))
                attempt += 1
            } catch {
                rollbackQuietly()
                throw error
            }
        }
    }

    /// Ends a failed transaction; a connection that is gone has nothing to roll back.
    func rollbackQuietly() {
        if inTransaction { _ = try? execute("ROLLBACK") }
    }
}
