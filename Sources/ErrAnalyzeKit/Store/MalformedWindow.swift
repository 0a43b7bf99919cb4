/// Which files' malformed lines belong to a report's window: the rule every store follows.
///
/// A malformed line has no time anyone can trust (it could not be parsed), so it belongs to a
/// window through its file: a file whose requests span a time range overlapping the window
/// brings all its malformed lines; a file with no readable request at all has no range and
/// belongs to every window (its lines would otherwise be lost from every report).
/// Samples shown are the newest files' first lines.
public struct MalformedWindow: Sendable, Equatable {
    /// A file belongs when its last request is at or after this (Unix seconds), if set.
    public let filesEndingFrom: Int64?
    /// A file belongs when its first request is before this (Unix seconds), if set.
    public let filesStartingBefore: Int64?

    /// Samples a report shows: of the most recently ingested files, by line number.
    public static let sampleLimit = 10

    public init(_ window: HourWindow) {
        filesEndingFrom = window.first.map { Int64($0) * 3600 }
        filesStartingBefore = window.last.map { (Int64($0) + 1) * 3600 }
    }

    /// Whether a file whose requests span `first`…`last` (nil: no readable request) belongs.
    public func includes(fileFirst first: Int64?, fileLast last: Int64?) -> Bool {
        if let from = filesEndingFrom, let last, last < from { return false }
        if let before = filesStartingBefore, let first, first >= before { return false }
        return true
    }

    /// The conditions in SQL over a files table aliased `files` with columns `first_ts` and
    /// `last_ts` (the same in both stores' schemas); values are integers, written inline.
    public func sqlConditions(files alias: String) -> [String] {
        var parts: [String] = []
        if let from = filesEndingFrom { parts.append("(\(alias).last_ts IS NULL OR \(alias).last_ts >= \(from))") }
        if let before = filesStartingBefore { parts.append("(\(alias).first_ts IS NULL OR \(alias).first_ts < \(before))") }
        return parts
    }

    /// The order and bound of the samples shown, over the same `files` alias and a samples
    /// table aliased `samples` (newest files first, then by line).
    public func sqlSampleOrder(files: String, samples: String) -> String {
        "ORDER BY \(files).last_ingested DESC, \(samples).line LIMIT \(Self.sampleLimit)"
    }
}

extension MalformedSummary {
    /// Adds a stored count under its reason code; codes this build does not know (a newer
    /// build's) are left out of both the reasons and the total, in every store alike.
    public mutating func add(reasonCode: Int64, count: Int64) {
        guard let reason = MalformedReason(rawValue: UInt8(truncatingIfNeeded: reasonCode)) else { return }
        byReason[reason, default: 0] += count
        total += count
    }

    /// Adds a stored sample, unless its reason code is unknown to this build.
    public mutating func addSample(path: String, line: Int64, reasonCode: Int64, text: String) {
        guard let reason = MalformedReason(rawValue: UInt8(truncatingIfNeeded: reasonCode)) else { return }
        samples.append(Sample(path: path, line: line, reason: reason, text: text))
    }
}
