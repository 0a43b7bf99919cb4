/// A store's turn to write, taken for each pass of a follower and given back after it.
///
/// SQLite keeps one writer at a time with a lock held for a whole run (`WriterLock`); a
/// follower runs for days, so it must not hold it: it takes it for the few milliseconds of
/// each pass's commits, and a cron ingest of the same database waits at most one pass
/// (the ledger keeps the two from counting a line twice, whatever the order). A store whose
/// server orders commits itself (PostgreSQL) needs no turn.
public protocol WriterTurn: AnyObject {
    /// Waits for the turn; false when `stop` is requested first (nothing was read yet, so
    /// nothing is lost by stopping).
    func take(until stop: FollowStop) throws -> Bool
    /// Gives the turn back.
    func release()
}
