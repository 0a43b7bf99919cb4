extension StoreStatus.Host {
    /// A host with no commit for this long is "quiet": its cron job or follower may have
    /// stopped, which a fleet's on-call person wants to see first.
    public static let quietAfterSeconds: Int64 = 3600

    /// No commit for over `quietAfterSeconds` at `now` (seconds since the epoch), or none ever.
    public func isQuiet(now: Int64) -> Bool {
        guard let lastIngest else { return true }
        return now - lastIngest > Self.quietAfterSeconds
    }
}
