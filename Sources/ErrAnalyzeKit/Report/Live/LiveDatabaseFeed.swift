import Foundation

/// `top` with no files: the database's latest minutes (`RecentMinutesStore`), read again at
/// each refresh into a `LiveView` — with a fleet database, every host's. The store is opened
/// at the first refresh and again after a failure, so that `top` started before the first
/// ingest, or while the server is down, shows why and then the traffic once it can.
public final class LiveDatabaseFeed: @unchecked Sendable {
    public let view: LiveView
    private let open: () throws -> any RecentMinutesStore
    private var store: (any RecentMinutesStore)?
    private let lock = NSLock()
    private var currentNotice: String?

    /// A feed into a view that counts as having seen all of the database's kept minutes.
    public init(now: Int64, open: @escaping () throws -> any RecentMinutesStore) {
        view = LiveView(startedAt: (LiveView.minute(of: now) - LiveView.keptMinutes + 1) * 60)
        self.open = open
    }

    /// Why the view is empty (the database cannot be read, or holds no recent minutes), or nil.
    public var notice: String? {
        lock.lock(); defer { lock.unlock() }
        return currentNotice
    }

    public static let noRecentMinutes = "no requests in the database's last \(LiveView.keptMinutes) minutes "
        + "(recent minutes come from ingest --follow, top --ingest, or an ingest of lines of the last hour)"

    /// Reads the kept minutes up to `now` (seconds since the epoch) into the view, in place of
    /// what it held. One refresh at a time (the feed's thread).
    public func refresh(now: Int64) {
        let first = LiveView.minute(of: now) - LiveView.keptMinutes + 1
        var notice: String?
        do {
            if store == nil { store = try open() }
            let minutes = try store!.recentMinutes(since: first)
            view.replace(from: .min, with: minutes)
            if minutes.isEmpty { notice = Self.noRecentMinutes }
        } catch {
            store = nil
            view.replace(from: .min, with: [])
            notice = "\(error)"
        }
        lock.lock()
        currentNotice = notice
        lock.unlock()
    }
}
