/// A `JSONFieldMap` compiled once per format and shared by every parser made from it.
final class JSONPlan: @unchecked Sendable {
    struct Candidate {
        var slot: Int
        var durationUnit: DurationUnit
        var epochUnit: EpochUnit
    }

    let tree: JSONPathTree
    /// Candidates per `JSONFieldMap.Key`, in `Key.allCases` order.
    let candidates: [[Candidate]]
    let requiresPath: Bool
    /// Per slot, the keys it is a candidate for: (key index, rank among that key's candidates).
    let slotKeys: [[(key: Int, rank: Int)]]
    static let keyCount = JSONFieldMap.Key.allCases.count

    init(_ map: JSONFieldMap) {
        var paths: [[String]] = []
        var slotOf: [[String]: Int] = [:]
        var candidates: [[Candidate]] = []
        for key in JSONFieldMap.Key.allCases {
            var list: [Candidate] = []
            for source in map.sources[key] ?? [] {
                let lowered = source.path.map { $0.lowercased() }
                let slot: Int
                if let known = slotOf[lowered] {
                    slot = known
                } else {
                    slot = paths.count
                    slotOf[lowered] = slot
                    paths.append(source.path)
                }
                list.append(Candidate(slot: slot, durationUnit: source.durationUnit, epochUnit: source.epochUnit))
            }
            candidates.append(list)
        }
        tree = JSONPathTree(paths: paths)
        self.candidates = candidates
        requiresPath = map.requiresPath
        var slotKeys = [[(key: Int, rank: Int)]](repeating: [], count: paths.count)
        for (key, list) in candidates.enumerated() {
            for (rank, candidate) in list.enumerated() { slotKeys[candidate.slot].append((key, rank)) }
        }
        self.slotKeys = slotKeys
    }
}

/// Reads one JSON object per line (JSON Lines / NDJSON) with a `JSONFieldMap`: the
/// presets for nginx `escape=json`, Caddy, Traefik, Envoy, Google Cloud load balancers,
/// Cloudflare and application logs, and `--json-fields`.
///
/// A line that is JSON but has no status and no method/path (an application's other log
/// lines, a Cloud Logging entry without `httpRequest`) is `.skip`; a request without a
/// status or time is `.malformed(.missingField)`; a line that is not a JSON object is
/// `.malformed(.badJSON)`. A status of 0 (Envoy, Cloudflare: no response was sent) is `.skip`.
public struct JSONLineParser: LineParser {
    private let plan: JSONPlan
    private var scanner: JSONScanner
    private var times = FlexibleTimestampParser()
    private let scratch = ScratchSpace()
    /// Per key, the rank of its first candidate captured by the last scan (`Int.max`: none),
    /// so that looking a key up skips the candidates the line does not have (presets list
    /// up to twenty spellings of a field; a line has one).
    private let firstRank: UnsafeMutablePointer<Int>
    private let rankStorage: RankStorage

    /// Owns `firstRank` (held directly too: one load less per lookup).
    private final class RankStorage {
        let ranks = UnsafeMutablePointer<Int>.allocate(capacity: JSONPlan.keyCount)
        init() { ranks.initialize(repeating: 0, count: JSONPlan.keyCount) }
        deinit { ranks.deallocate() }
    }

    init(plan: JSONPlan) {
        self.plan = plan
        scanner = JSONScanner(tree: plan.tree)
        rankStorage = RankStorage()
        firstRank = rankStorage.ranks
    }

    public init(fields: JSONFieldMap) {
        self.init(plan: JSONPlan(fields))
    }

    typealias Value = (kind: JSONValueKind, start: Int, end: Int)

    /// The first candidate of `key` present with a usable value (not null, not "" or "-").
    @inline(__always)
    private func first(_ key: JSONFieldMap.Key, _ p: UnsafePointer<UInt8>) -> (Value, JSONPlan.Candidate)? {
        let index = Self.index(key)
        let from = firstRank[index]
        let list = plan.candidates[index]
        guard from < list.count else { return nil }
        for c in list[from...] {
            guard let v = scanner.value(c.slot) else { continue }
            switch v.kind {
            case .null, .falseValue: continue
            case .string, .escapedString:
                let len = v.end - v.start
                if len == 0 || (len == 1 && p[v.start] == UInt8(ascii: "-")) { continue }
            default: break
            }
            return (v, c)
        }
        return nil
    }

    @inline(__always)
    private static func index(_ key: JSONFieldMap.Key) -> Int {
        switch key {
        case .time: return 0
        case .method: return 1
        case .path: return 2
        case .status: return 3
        case .code: return 4
        case .duration: return 5
        case .client: return 6
        case .idempotencyKey: return 7
        case .retryAfter: return 8
        case .request: return 9
        case .clientAddress: return 10
        }
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        guard let lineBase = line.baseAddress?.assumingMemoryBound(to: UInt8.self), line.count > 0 else { return .skip }
        var n = line.count
        if n >= 3 && lineBase[0] == 0xEF && lineBase[1] == 0xBB && lineBase[2] == 0xBF {  // a BOM on the first line
            return parse(ByteScanning.slice(line, 3, n), into: &record)
        }
        if lineBase[n - 1] == 0x0D { n -= 1 }
        var object = lineBase
        if n > 0 && lineBase[0] != UInt8(ascii: "{") && lineBase[0] > 0x20 {
            // A syslog or container prefix before the object (`Nov 20 10:05:03 web nginx: {…}`).
            guard let start = Self.objectAfterPrefix(lineBase, n) else { return .malformed(.badJSON) }
            object = lineBase + start
            n -= start
        }
        guard scanner.scan(object, n) else {
            var i = 0
            JSONScanner.skipWhitespace(object, &i, n)
            return i == n ? .skip : .malformed(.badJSON)
        }
        rankCaptures()
        let base = object
        let method = first(.method, base), path = first(.path, base), request = first(.request, base)
        let hasRoute = method != nil || path != nil || request != nil
        guard let (statusValue, _) = first(.status, base) else { return hasRoute ? .malformed(.missingField) : .skip }
        guard statusValue.kind == .number || statusValue.kind == .string,
              let status = ByteScanning.integer(ByteScanning.trimmed(UnsafeRawBufferPointer(start: base + statusValue.start, count: statusValue.end - statusValue.start)))
        else { return .malformed(.badStatus) }
        if status == 0 { return .skip }
        guard status >= 100 && status <= 599 else { return .malformed(.badStatus) }
        if plan.requiresPath && path == nil && request == nil { return .malformed(.missingField) }
        guard let (timeValue, timeSource) = first(.time, base) else { return .malformed(.missingField) }
        guard timeValue.kind == .number || timeValue.kind == .string,
              let timestamp = times.parse(UnsafeRawBufferPointer(start: base + timeValue.start, count: timeValue.end - timeValue.start), unit: timeSource.epochUnit)
        else { return .malformed(.badTimestamp) }

        let code = first(.code, base), client = first(.client, base)
        let address = client == nil ? first(.clientAddress, base) : nil
        @inline(__always) func escapedLength(_ v: (Value, JSONPlan.Candidate)?) -> Int {
            guard let (value, _) = v, value.kind == .escapedString else { return 0 }
            return value.end - value.start
        }
        scratch.beginLine(reserving: escapedLength(method) + escapedLength(path) + escapedLength(request)
                          + escapedLength(code) + escapedLength(client) + escapedLength(address))

        record.reset()
        record.timestamp = timestamp
        record.status = Int(status)
        if let (v, _) = method { record.method = text(v, base) }
        if let (v, _) = path { record.path = text(v, base) }
        if let (v, _) = request, method == nil || path == nil {
            var split = RequestRecord()
            NCSALogParser.splitRequest(text(v, base), into: &split)
            if method == nil { record.method = split.method }
            if path == nil { record.path = split.path }
        }
        if let (v, _) = code, v.kind != .object && v.kind != .array {
            let bytes = text(v, base)
            if !(v.kind == .number && ByteScanning.integer(bytes) == status) { record.errorCode = bytes }
        }
        if let (v, c) = first(.duration, base), v.kind == .number || v.kind == .string {
            let text = UnsafeRawBufferPointer(start: base + v.start, count: v.end - v.start)
            // nginx logs upstream times as a list, one per attempt: "0.001, 0.002".
            record.durationMicros = DurationParser.micros(text, unit: c.durationUnit)
                ?? (c.durationUnit == .seconds || c.durationUnit == .auto ? DurationParser.secondsList(text) : nil) ?? -1
        }
        if let (v, _) = client {
            record.client = text(v, base)
        } else if let (v, _) = address {
            record.client = ByteScanning.stripPort(text(v, base))
        }
        record.hasIdempotencyKey = first(.idempotencyKey, base) != nil
        record.hasRetryAfter = first(.retryAfter, base) != nil
        return .request
    }

    /// Fills `firstRank` from the slots the scan captured.
    @inline(__always)
    private func rankCaptures() {
        let count = scanner.capturedCount
        guard count <= JSONScanner.capturedLimit else {
            firstRank.update(repeating: 0, count: JSONPlan.keyCount)  // too many to list: try every candidate
            return
        }
        firstRank.update(repeating: Int.max, count: JSONPlan.keyCount)
        for k in 0..<count {
            for (key, rank) in plan.slotKeys[scanner.capturedSlot(k)] where rank < firstRank[key] { firstRank[key] = rank }
        }
    }

    /// Where a JSON object starts after a `tag: ` prefix within the first 512 bytes, or nil.
    static func objectAfterPrefix(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        let limit = min(n - 2, 512)
        while i < limit {
            if p[i] == UInt8(ascii: ":") && p[i + 1] == 0x20 && p[i + 2] == UInt8(ascii: "{") { return i + 2 }
            i += 1
        }
        return nil
    }

    /// The bytes of a string or number value, unescaped into scratch space when needed.
    @inline(__always)
    private func text(_ v: Value, _ base: UnsafePointer<UInt8>) -> UnsafeRawBufferPointer {
        let raw = UnsafeRawBufferPointer(start: base + v.start, count: v.end - v.start)
        guard v.kind == .escapedString else { return raw }
        let count = Escapes.unescapeJSON(raw, to: scratch.cursor)
        return scratch.commit(count)
    }
}
