import Glibc

/// Parses lines of a compiled `--log-format` (nginx `log_format` or Apache `LogFormat`).
///
/// It walks the format's fields left to right, finding each field's end by the literal
/// that follows it (memchr on its first byte, then a comparison), and validating the fields
/// it uses (time, status). When a later field does not fit, it goes back and tries the next
/// occurrence of an earlier terminator (a `"` inside a request, a space inside a user
/// name), within a small budget. It stops after the last field erranalyze needs, so
/// referers and user agents at the end of a line are never scanned. A format that starts
/// with the NCSA prefix has that part read by `NCSALogParser`'s scanner (see
/// `TemplatePlan.ncsaStatusStep`): the common custom formats then cost what the built-in
/// combined parser costs, plus their extra fields.
public struct TemplateLogParser: LineParser {
    private let plan: TemplatePlan
    private let state: State
    // The state's buffers, held directly: one load less per access on the hot path.
    private let start: UnsafeMutablePointer<Int>
    private let end: UnsafeMutablePointer<Int>
    private let times: UnsafeMutablePointer<Int64>
    private let steps: UnsafeMutablePointer<TemplatePlan.Step>
    private let literals: UnsafeMutablePointer<UInt8>
    private let lastNeeded: Int
    private let timeStep: Int
    private let statusStep: Int
    private let requestStep: Int
    private let addressStep: Int
    private var clf = CLFTimestampParser()
    private var iso = ISO8601TimestampParser()
    private var strftimes: [StrftimeTimestampParser]
    private var parts = TimeParts()
    private let scratch = ScratchSpace()

    /// Per-step positions of the current line.
    final class State {
        let start: UnsafeMutablePointer<Int>
        let end: UnsafeMutablePointer<Int>
        let time: UnsafeMutablePointer<Int64>

        init(count: Int) {
            let n = max(count + 1, 1)
            start = .allocate(capacity: n); start.initialize(repeating: 0, count: n)
            end = .allocate(capacity: n); end.initialize(repeating: 0, count: n)
            time = .allocate(capacity: n); time.initialize(repeating: 0, count: n)
        }

        deinit { start.deallocate(); end.deallocate(); time.deallocate() }
    }

    init(plan: TemplatePlan) {
        self.plan = plan
        state = State(count: plan.stepCount)
        start = state.start
        end = state.end
        times = state.time
        steps = plan.steps
        literals = plan.literals
        lastNeeded = plan.lastNeeded
        timeStep = plan.first(.time)
        statusStep = plan.first(.status)
        requestStep = plan.first(.request)
        addressStep = plan.first(.address)
        strftimes = plan.strftimes
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        var n = line.count
        if n > 0 && line[n - 1] == 0x0D { n -= 1 }
        if n == 0 { return .skip }
        guard let base = line.baseAddress else { return .skip }
        let prefixCount = plan.prefixCount
        if prefixCount > 0 {
            guard n >= prefixCount, Self.same(base, plan.prefix, prefixCount) else { return .malformed(.unrecognisedLayout) }
        }
        var failure = MalformedReason.unrecognisedLayout
        var failureStep = -1
        var budget = 64
        if plan.usesStrftime { parts = TimeParts() }
        var valueStart = prefixCount
        var from = prefixCount
        var k = 0
        let ncsa = plan.ncsaStatusStep
        if ncsa >= 0 {
            let prefix: NCSALogParser.Prefix
            switch NCSALogParser.scanPrefix(line, n, &clf) {
            case .success(let p): prefix = p
            case .failure(let reason): return .malformed(reason)
            }
            // Steps: address, [ident,] user, time, request, status.
            start[0] = 0; end[0] = prefix.hostEnd
            start[ncsa - 2] = prefix.requestStart - 29; end[ncsa - 2] = prefix.requestStart - 3
            times[ncsa - 2] = prefix.timestamp
            start[ncsa - 1] = prefix.requestStart; end[ncsa - 1] = prefix.requestEnd
            start[ncsa] = prefix.statusEnd - 3; end[ncsa] = prefix.statusEnd
            times[ncsa] = Int64(prefix.status)
            let step = steps[ncsa]
            let m = Int(step.terminatorLength)
            guard m == 0 || (prefix.statusEnd + m <= n && Self.same(base + prefix.statusEnd, literals + Int(step.terminatorStart), m)) else {
                return ncsa >= lastNeeded && prefix.statusEnd == n ? finish(line, &record) : .malformed(.unrecognisedLayout)
            }
            valueStart = prefix.statusEnd + m
            from = valueStart
            k = ncsa + 1
        }
        while k <= lastNeeded {
            let step = steps[k]
            var e = findEnd(step, base, valueStart, from, n)
            if step.flags & TemplatePlan.Step.validates != 0 {
                while e >= 0 {
                    guard let reason = apply(k, step, ByteScanning.slice(line, valueStart, e)) else { break }
                    if k >= failureStep { failure = reason; failureStep = k }
                    budget -= 1
                    if budget <= 0 { return .malformed(failure) }
                    e = e + 1 < n ? findEnd(step, base, valueStart, e + 1, n) : -1
                }
            }
            if e >= 0 {
                start[k] = valueStart
                end[k] = e
                valueStart = step.flags & TemplatePlan.Step.lookahead != 0 ? e : e + Int(step.terminatorLength)
                from = valueStart
                k += 1
                continue
            }
            // Nothing fits here: let the previous field end later.
            k -= 1
            budget -= 1
            if k < 0 || budget <= 0 { return .malformed(failure) }
            valueStart = start[k]
            from = end[k] + 1
        }
        return finish(line, &record)
    }

    /// The end of the value of `step` starting at `valueStart`, at or after `from`; -1 if none.
    @inline(__always)
    private func findEnd(_ step: TemplatePlan.Step, _ base: UnsafeRawPointer, _ valueStart: Int, _ from: Int, _ n: Int) -> Int {
        let m = Int(step.terminatorLength)
        let terminator = literals + Int(step.terminatorStart)
        switch step.mode {
        case .scan:
            let first = Int32(terminator[0])
            var i = from
            while i + m <= n {
                guard let hit = memchr(base + i, first, n - m + 1 - i) else { return -1 }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if m == 1 || Self.same(base + at + 1, terminator + 1, m - 1) {
                    if step.flags & TemplatePlan.Step.quoted == 0 || !Self.isEscaped(base, at, valueStart) { return at }
                }
                i = at + 1
            }
            return -1
        case .fixed:
            let e = valueStart + Int(step.fixedWidth)
            guard from == valueStart, e + m <= n, Self.same(base + e, terminator, m) else { return -1 }
            return e
        case .atLineEnd:
            let e = n - m
            guard e >= from, Self.same(base + e, terminator, m) else { return -1 }
            return e
        case .toEnd:
            return from == valueStart ? n : -1
        }
    }

    /// Whether the quote at `index` follows an odd run of backslashes.
    @inline(__always)
    private static func isEscaped(_ base: UnsafeRawPointer, _ index: Int, _ floor: Int) -> Bool {
        var j = index - 1
        var count = 0
        while j >= floor && base.load(fromByteOffset: j, as: UInt8.self) == UInt8(ascii: "\\") { count += 1; j -= 1 }
        return count & 1 == 1
    }

    /// Validates and reads a field; nil when it fits, or why it does not.
    @inline(__always)
    private mutating func apply(_ k: Int, _ step: TemplatePlan.Step, _ value: UnsafeRawBufferPointer) -> MalformedReason? {
        switch step.kind {
        case .timeCLF:
            guard let t = clf.parse(value) else { return .badTimestamp }
            times[k] = t
        case .timeISO8601:
            guard let t = iso.parse(value) else { return .badTimestamp }
            times[k] = t
        case .timeEpoch:
            guard let t = EpochTimestampParser.parse(value, unit: step.epochUnit) else { return .badTimestamp }
            times[k] = t
        case .timeStrftime:
            guard step.strftimeIndex >= 0, strftimes[Int(step.strftimeIndex)].parse(value, into: &parts) else { return .badTimestamp }
        case .status:
            guard let status = ByteScanning.statusField(value) else { return .badStatus }
            times[k] = Int64(status)
        default:
            break
        }
        return nil
    }

    @inline(__always)
    private func value(_ k: Int, _ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        ByteScanning.slice(line, start[k], end[k])
    }

    /// The first step filling `target` with a value other than `-` or empty.
    @inline(__always)
    private func firstValue(_ target: TemplatePlan.Target, _ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let start = plan.candidateStart[target.rawValue]
        for i in start..<(start + plan.candidateCount[target.rawValue]) {
            let v = value(plan.candidates[i], line)
            if !ByteScanning.isDash(v) { return v }
        }
        return nil
    }

    @inline(__always)
    private mutating func finish(_ line: UnsafeRawBufferPointer, _ record: inout RequestRecord) -> LineParseResult {
        let timestamp: Int64
        if timeStep >= 0 {
            timestamp = times[timeStep]
        } else {
            guard let t = parts.epochSeconds else { return .malformed(.badTimestamp) }
            timestamp = t
        }
        record.reset()
        record.timestamp = timestamp
        record.status = Int(times[statusStep])
        if plan.simple {
            if requestStep >= 0 { NCSALogParser.splitRequest(value(requestStep, line), into: &record) }
            if addressStep >= 0 { record.client = value(addressStep, line) }
            NCSALogParser.unescapePath(&record, scratch)
            return .request
        }
        let methodStep = plan.first(.method)
        if methodStep >= 0, case let m = value(methodStep, line), !ByteScanning.isDash(m) { record.method = m }
        if let target = firstValue(.target, line) { record.path = target }
        if requestStep >= 0, record.method.count == 0 || record.path.count == 0 {
            var split = RequestRecord()
            NCSALogParser.splitRequest(value(requestStep, line), into: &split)
            if record.method.count == 0 { record.method = split.method }
            if record.path.count == 0 { record.path = split.path }
        }
        NCSALogParser.unescapePath(&record, scratch)
        let durationStart = plan.candidateStart[TemplatePlan.Target.duration.rawValue]
        for i in durationStart..<(durationStart + plan.candidateCount[TemplatePlan.Target.duration.rawValue]) {
            let k = plan.candidates[i]
            let v = value(k, line)
            if ByteScanning.isDash(v) { continue }
            let step = steps[k]
            let micros = step.kind == .durationList ? DurationParser.secondsList(v) : DurationParser.micros(v, unit: step.durationUnit)
            if let micros {
                record.durationMicros = micros
                break
            }
        }
        if let id = firstValue(.clientID, line) {
            record.client = id
        } else if let address = firstValue(.address, line) {
            record.client = address
        }
        if let code = firstValue(.code, line) { record.errorCode = code }
        record.hasIdempotencyKey = firstValue(.idempotency, line) != nil
        record.hasRetryAfter = firstValue(.retryAfter, line) != nil
        return .request
    }

    /// Whether `count` bytes at `a` and `b` are equal; inline, for short literals.
    @inline(__always)
    static func same(_ a: UnsafeRawPointer, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for i in 0..<count where a.load(fromByteOffset: i, as: UInt8.self) != b[i] { return false }
        return true
    }
}
