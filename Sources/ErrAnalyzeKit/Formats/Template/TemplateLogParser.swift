import Glibc

/// Parses lines of a compiled `--log-format` (nginx `log_format` or Apache `LogFormat`).
///
/// It walks the format's fields left to right, finding each field's end by the literal
/// that follows it (memchr on its first byte, then a comparison), and validating the fields
/// it uses (time, status). When a later field does not fit, it goes back and tries the next
/// occurrence of an earlier terminator (a `"` inside a request, a space inside a user
/// name), within a small budget. It stops after the last field erranalyze needs, so
/// referers and user agents at the end of a line are never scanned.
public struct TemplateLogParser: LineParser {
    private let plan: TemplatePlan
    private let state: State
    private var clf = CLFTimestampParser()
    private var iso = ISO8601TimestampParser()
    private var strftimes: [StrftimeTimestampParser]
    private var parts = TimeParts()
    private let scratch = ScratchSpace()

    /// Per-step positions of the current line.
    final class State {
        let start: UnsafeMutablePointer<Int>
        let end: UnsafeMutablePointer<Int>
        let searchFrom: UnsafeMutablePointer<Int>
        let time: UnsafeMutablePointer<Int64>

        init(count: Int) {
            let n = max(count + 1, 1)
            start = .allocate(capacity: n); start.initialize(repeating: 0, count: n)
            end = .allocate(capacity: n); end.initialize(repeating: 0, count: n)
            searchFrom = .allocate(capacity: n); searchFrom.initialize(repeating: 0, count: n)
            time = .allocate(capacity: n); time.initialize(repeating: 0, count: n)
        }

        deinit { start.deallocate(); end.deallocate(); searchFrom.deallocate(); time.deallocate() }
    }

    init(plan: TemplatePlan) {
        self.plan = plan
        state = State(count: plan.stepCount)
        strftimes = plan.strftimes
    }

    public mutating func parse(_ line: UnsafeRawBufferPointer, into record: inout RequestRecord) -> LineParseResult {
        var n = line.count
        if n > 0 && line[n - 1] == 0x0D { n -= 1 }
        if n == 0 { return .skip }
        guard let base = line.baseAddress else { return .skip }
        let prefix = plan.prefix
        if !prefix.isEmpty {
            guard n >= prefix.count, prefix.withUnsafeBytes({ memcmp(base, $0.baseAddress!, prefix.count) == 0 }) else {
                return .malformed(.unrecognisedLayout)
            }
        }
        let steps = plan.steps
        let last = plan.lastNeeded
        let start = state.start, end = state.end, searchFrom = state.searchFrom
        var failure = MalformedReason.unrecognisedLayout
        var failureStep = -1
        var budget = 64
        parts = TimeParts()
        start[0] = prefix.count
        searchFrom[0] = prefix.count
        var k = 0
        while k <= last {
            let step = steps[k]
            let valueStart = start[k]
            var candidate = findEnd(step, base, valueStart, searchFrom[k], n)
            var accepted = false
            while let e = candidate {
                let result = apply(k, step, ByteScanning.slice(line, valueStart, e))
                if result == nil {
                    end[k] = e
                    accepted = true
                    break
                }
                if k >= failureStep { failure = result!; failureStep = k }
                budget -= 1
                if budget <= 0 { return .malformed(failure) }
                candidate = findEnd(step, base, valueStart, e + 1, n)
            }
            if accepted {
                let next = end[k] + (step.lookahead ? 0 : step.terminatorLength)
                start[k + 1] = next
                searchFrom[k + 1] = next
                k += 1
                continue
            }
            // Nothing fits here: let the previous field end later.
            k -= 1
            budget -= 1
            if k < 0 || budget <= 0 { return .malformed(failure) }
            searchFrom[k] = end[k] + 1
        }
        return finish(line, &record)
    }

    /// The end of the value of `step` starting at `valueStart`, at or after `from`.
    @inline(__always)
    private func findEnd(_ step: TemplatePlan.Step, _ base: UnsafeRawPointer, _ valueStart: Int, _ from: Int, _ n: Int) -> Int? {
        let m = step.terminatorLength
        if m == 0 { return from == valueStart ? n : nil }
        let terminator = plan.literals + step.terminatorStart
        if step.endsLine {
            let e = n - m
            guard e >= from, memcmp(base + e, terminator, m) == 0 else { return nil }
            return e
        }
        if step.fixedWidth > 0 {
            let e = valueStart + step.fixedWidth
            guard from == valueStart, e + m <= n, memcmp(base + e, terminator, m) == 0 else { return nil }
            return e
        }
        let first = Int32(terminator[0])
        var i = from
        while i + m <= n {
            guard let hit = memchr(base + i, first, n - m + 1 - i) else { return nil }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if m == 1 || memcmp(base + at + 1, terminator + 1, m - 1) == 0 {
                if !step.quoted || !Self.isEscaped(base, at, valueStart) { return at }
            }
            i = at + 1
        }
        return nil
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
            state.time[k] = t
        case .timeISO8601:
            guard let t = iso.parse(value) else { return .badTimestamp }
            state.time[k] = t
        case .timeEpoch:
            guard let t = EpochTimestampParser.parse(value, unit: step.epochUnit) else { return .badTimestamp }
            state.time[k] = t
        case .timeStrftime:
            guard step.strftimeIndex >= 0, strftimes[step.strftimeIndex].parse(value, into: &parts) else { return .badTimestamp }
        case .status:
            guard ByteScanning.statusField(value) != nil else { return .badStatus }
        default:
            break
        }
        return nil
    }

    @inline(__always)
    private func value(_ k: Int, _ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        ByteScanning.slice(line, state.start[k], state.end[k])
    }

    /// The first of `steps` with a value other than `-` or empty.
    @inline(__always)
    private func firstValue(_ steps: [Int], _ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        for k in steps {
            let v = value(k, line)
            if !ByteScanning.isDash(v) { return v }
        }
        return nil
    }

    private mutating func finish(_ line: UnsafeRawBufferPointer, _ record: inout RequestRecord) -> LineParseResult {
        var timestamp: Int64
        if let k = plan.timeSteps.first {
            timestamp = state.time[k]
        } else {
            guard let t = parts.epochSeconds else { return .malformed(.badTimestamp) }
            timestamp = t
        }
        guard let k = plan.statusSteps.first, let status = ByteScanning.statusField(value(k, line)) else {
            return .malformed(.badStatus)
        }
        record.reset()
        record.timestamp = timestamp
        record.status = status
        if let k = plan.methodSteps.first { record.method = value(k, line) }
        if let target = firstValue(plan.targetSteps, line) { record.path = target }
        if let k = plan.requestSteps.first, record.method.count == 0 || record.path.count == 0 {
            var split = RequestRecord()
            NCSALogParser.splitRequest(value(k, line), into: &split)
            if record.method.count == 0 { record.method = split.method }
            if record.path.count == 0 { record.path = split.path }
        }
        if ByteScanning.isDash(record.method) { record.method = .empty }
        if record.path.count > 0 && ByteScanning.find(UInt8(ascii: "\\"), in: record.path, from: 0) != nil {
            scratch.beginLine(reserving: record.path.count)
            record.path = scratch.commit(Escapes.unescapeBackslashes(record.path, to: scratch.cursor))
        }
        for k in plan.durationSteps {
            let v = value(k, line)
            if ByteScanning.isDash(v) { continue }
            let step = plan.steps[k]
            let micros = step.kind == .durationList ? DurationParser.secondsList(v) : DurationParser.micros(v, unit: step.durationUnit)
            if let micros {
                record.durationMicros = micros
                break
            }
        }
        if let id = firstValue(plan.clientIDSteps, line) {
            record.client = id
        } else if let address = firstValue(plan.addressSteps, line) {
            record.client = address
        }
        if let code = firstValue(plan.codeSteps, line) { record.errorCode = code }
        record.hasIdempotencyKey = firstValue(plan.idempotencySteps, line) != nil
        record.hasRetryAfter = firstValue(plan.retryAfterSteps, line) != nil
        return .request
    }
}
