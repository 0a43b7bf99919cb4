/// A compiled text log format, shared by the parsers of every thread: the steps the parser
/// walks (a field and the literal that ends it) and, per record field, which steps fill it.
final class TemplatePlan: @unchecked Sendable {
    struct Step {
        var kind: TextFieldKind
        /// The literal after the field, in `literals`; empty for a field at the end of the line.
        var terminatorStart: Int
        var terminatorLength: Int
        /// The terminator is the first byte of the next field: matched, not consumed.
        var lookahead: Bool
        /// Between quotes: a quote preceded by an odd number of backslashes does not end it.
        var quoted: Bool
        /// Values always this wide (CLF time, status), or 0.
        var fixedWidth: Int
        /// The terminator is the end of the format, so it must end the line.
        var endsLine: Bool
        var durationUnit: DurationUnit
        var epochUnit: EpochUnit
        var strftimeIndex: Int
    }

    let name: String
    let prefix: [UInt8]
    let steps: UnsafeMutablePointer<Step>
    let stepCount: Int
    let literals: UnsafeMutablePointer<UInt8>
    /// The parser stops after this step: nothing after it is needed.
    let lastNeeded: Int
    let strftimes: [StrftimeTimestampParser]

    // Steps filling each record field, best first.
    let timeSteps: [Int]
    let statusSteps: [Int]
    let requestSteps: [Int]
    let methodSteps: [Int]
    let targetSteps: [Int]
    let durationSteps: [Int]
    let clientIDSteps: [Int]
    let addressSteps: [Int]
    let codeSteps: [Int]
    let idempotencySteps: [Int]
    let retryAfterSteps: [Int]

    init(name: String, elements: [TextElement]) {
        self.name = name
        var index = 0
        var prefix: [UInt8] = []
        if case .literal(let bytes)? = elements.first {
            prefix = bytes
            index = 1
        }
        self.prefix = prefix
        var steps: [Step] = []
        var fields: [TextField] = []
        var arena: [UInt8] = []
        var strftimes: [StrftimeTimestampParser] = []
        while index < elements.count {
            guard case .field(let field) = elements[index] else { index += 1; continue }
            var terminator: [UInt8] = []
            var lookahead = false
            var endsLine = false
            if index + 1 < elements.count {
                switch elements[index + 1] {
                case .literal(let bytes):
                    terminator = bytes
                    endsLine = index + 2 == elements.count
                case .field(let next):
                    terminator = [next.startByte ?? 0x20]
                    lookahead = true
                }
            }
            var quoted = false
            if index > 0, case .literal(let before) = elements[index - 1], before.last == UInt8(ascii: "\""),
               terminator.first == UInt8(ascii: "\"") {
                quoted = true
            }
            var strftimeIndex = -1
            if field.kind == .timeStrftime, let pattern = field.strftime, let parser = try? StrftimeTimestampParser(pattern: pattern) {
                strftimeIndex = strftimes.count
                strftimes.append(parser)
            }
            let fixed = field.kind == .timeCLF ? 26 : field.kind == .status ? 3 : 0
            steps.append(Step(kind: field.kind, terminatorStart: arena.count, terminatorLength: terminator.count,
                              lookahead: lookahead, quoted: quoted, fixedWidth: fixed, endsLine: endsLine,
                              durationUnit: field.durationUnit, epochUnit: field.epochUnit, strftimeIndex: strftimeIndex))
            fields.append(field)
            arena += terminator
            index += 1
        }
        stepCount = steps.count
        self.steps = .allocate(capacity: max(steps.count, 1))
        self.steps.initialize(from: steps, count: steps.count)
        literals = .allocate(capacity: max(arena.count, 1))
        literals.initialize(from: arena, count: arena.count)
        lastNeeded = steps.lastIndex(where: { $0.kind.isNeeded }) ?? -1
        self.strftimes = strftimes

        func find(_ kinds: TextFieldKind...) -> [Int] {
            fields.indices.filter { kinds.contains(fields[$0].kind) }
                .sorted { fields[$0].priority > fields[$1].priority || (fields[$0].priority == fields[$1].priority && $0 < $1) }
        }
        timeSteps = find(.timeCLF, .timeISO8601, .timeEpoch)
        statusSteps = find(.status)
        requestSteps = find(.request)
        methodSteps = find(.method)
        targetSteps = find(.target, .path)
        durationSteps = find(.duration, .durationList)
        clientIDSteps = find(.clientID)
        addressSteps = find(.clientAddress)
        codeSteps = find(.errorCode)
        idempotencySteps = find(.idempotencyKey)
        retryAfterSteps = find(.retryAfter)
    }

    deinit {
        steps.deallocate()
        literals.deallocate()
    }
}
