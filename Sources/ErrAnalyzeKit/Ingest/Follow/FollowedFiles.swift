import Glibc

/// The files a follower reads: at each pass the patterns are expanded again and each name
/// is matched to the file it leads to now.
///
/// - A new name of a file already held (rename-then-create rotation: `access.log` became
///   `access.log.1`) keeps the same open file: it is read on from where it stopped.
/// - A file no pattern names any more (deleted, or renamed away) stays open, since its
///   writer may still be adding to it, until it has been read to its end, held nothing back
///   and stopped changing for `orphanQuietSeconds`; then it is closed.
/// - A file truncated in place (`copytruncate`) is the same open file, shorter: the ledger
///   sees other first bytes and counts it as new; its copy is another file.
///
/// At most one descriptor per file; memory is bounded by the number of files.
public final class FollowedFiles {
    public let patterns: FollowPatterns
    /// Seconds an orphan must have stopped changing before it is closed.
    public let orphanQuietSeconds: Int64
    private(set) var held: [FileIdentity: FollowedFile] = [:]
    /// The order of the files, for passes that read them as the patterns list them.
    private var order: [FileIdentity] = []

    public init(patterns: FollowPatterns, orphanQuietSeconds: Int64 = 30) {
        self.patterns = patterns
        self.orphanQuietSeconds = orphanQuietSeconds
    }

    /// The files to read this pass: every file a pattern names now, then the orphans.
    /// A name that cannot be opened (removed meanwhile, no permission) is in `problems`.
    public func refresh() -> (files: [FollowedFile], problems: [String: Error]) {
        var named = Set<FileIdentity>()
        var problems: [String: Error] = [:]
        for followed in held.values { followed.name = nil }
        for path in patterns.expand() {
            guard let identity = FileIdentity.ofRegularFile(at: path) else { continue }
            if let followed = held[identity] {
                if followed.name == nil { followed.name = path }
                named.insert(identity)
                continue
            }
            do {
                let file = try InputFile(path: path)
                // The name may have moved to another file between stat(2) and open(2).
                guard let opened = file.identity else { continue }
                if let followed = held[opened] {
                    followed.name = followed.name ?? path
                } else {
                    held[opened] = FollowedFile(opened: file, identity: opened, name: path)
                    order.append(opened)
                }
                named.insert(opened)
            } catch {
                problems[path] = error
            }
        }
        let files = order.compactMap { held[$0] }.sorted { ($0.name != nil ? 0 : 1) < ($1.name != nil ? 0 : 1) }
        return (files, problems)
    }

    /// Closes the orphans that are done: read to their end with nothing held back
    /// (`settled`), and not modified for `orphanQuietSeconds` by `now` (seconds since the epoch).
    public func closeFinishedOrphans(now: Int64) {
        for (identity, followed) in held where followed.name == nil {
            // One that fails at every pass (not a log after all) is given up the same way.
            guard followed.isUnchangedSinceSettled || followed.lastFailure != nil,
                  let current = followed.sizeAndTime,
                  current.modified / 1_000_000_000 <= now - orphanQuietSeconds else { continue }
            held[identity] = nil
        }
        order.removeAll { held[$0] == nil }
    }

    /// Files held open now.
    public var count: Int { held.count }
}
