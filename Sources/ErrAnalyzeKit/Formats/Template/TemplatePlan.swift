/// A compiled text log format, shared by the parsers of every thread: the steps the parser
/// walks (a field and the literal that ends it) and, per record field, which steps fill it.
final class TemplatePlan: @unchecked Sendable {
    struct Step {
        /// How the end of the value is found.
        enum Mode: UInt8 {
            /// The value runs to the end of the line.
            case toEnd
            /// Fixed width, then the terminator.
            case fixed
            /// The terminator ends the line.
            case atLineEnd
            /// The first occurrence of the terminator (memchr on its first byte).
            case scan
        }

        var mode: Mode
        /// The literal after the field, in `literals`; empty for a field at the end of the line.
        var terminatorStart: Int32
        var terminatorLength: Int16
        /// Values always this wide (CLF time, status), or 0.
        var fixedWidth: Int16
        var kind: TextFieldKind
        var flags: UInt8
        var durationUnit: DurationUnit
        var epochUnit: EpochUnit
        var strftimeIndex: Int16

        /// The terminator is the first byte of the next field: matched, not consumed.
        static let lookahead: UInt8 = 1
        /// Between quotes: a quote preceded by an odd number of backslashes does not end it.
        static let quoted: UInt8 = 2
        /// The terminator is the end of the format, so it must end the line.
        static let endsLine: UInt8 = 4
        /// The value is checked (and read) as soon as it is found: times and statuses.
        static let validates: UInt8 = 8

        @inline(__always) func has(_ flag: UInt8) -> Bool { flags & flag != 0 }
    }

    let name: String
    let prefix: UnsafeMutablePointer<UInt8>
    let prefixCount: Int
    let steps: UnsafeMutablePointer<Step>
    let stepCount: Int
    let literals: UnsafeMutablePointer<UInt8>
    /// The parser stops after this step: nothing after it is needed.
    let lastNeeded: Int
    let strftimes: [StrftimeTimestampParser]

    /// The record fields steps can fill; the steps filling each, best first, are
    /// `candidates[candidateStart[f] ..< candidateStart[f] + candidateCount[f]]`.
    enum Target: Int, CaseIterable {
        case time, status, request, method, target, duration, clientID, address, code, idempotency, retryAfter
    }

    let candidates: UnsafeMutablePointer<Int>
    let candidateStart: UnsafeMutablePointer<Int>
    let candidateCount: UnsafeMutablePointer<Int>
    /// When the format starts with the NCSA prefix (`$remote_addr - $remote_user
    /// [$time_local] "$request" $status`, `%h %l %u %t "%r" %>s`), the index of its status
    /// step: the parser reads those five fields with `NCSALogParser`'s hand-written scanner
    /// (a generic step costs about three times as much) and walks only the steps after it.
    /// -1 otherwise.
    let ncsaStatusStep: Int
    /// Whether a strftime field exists (the parser then collects time parts).
    let usesStrftime: Bool
    /// Whether the format fills only time, status, request and one address (common,
    /// combined and their cousins): the parser then takes a shorter way to the record.
    let simple: Bool

    init(name: String, elements: [TextElement]) {
        self.name = name
        var index = 0
        var prefix: [UInt8] = []
        if case .literal(let bytes)? = elements.first {
            prefix = bytes
            index = 1
        }
        self.prefix = .allocate(capacity: max(prefix.count, 1))
        self.prefix.initialize(from: prefix, count: prefix.count)
        prefixCount = prefix.count
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
            var flags: UInt8 = 0
            if lookahead { flags |= Step.lookahead }
            if quoted { flags |= Step.quoted }
            if endsLine { flags |= Step.endsLine }
            if [.timeCLF, .timeISO8601, .timeEpoch, .timeStrftime, .status].contains(field.kind) { flags |= Step.validates }
            let mode: Step.Mode = terminator.isEmpty ? .toEnd : fixed > 0 ? .fixed : endsLine ? .atLineEnd : .scan
            steps.append(Step(mode: mode, terminatorStart: Int32(arena.count), terminatorLength: Int16(terminator.count),
                              fixedWidth: Int16(fixed), kind: field.kind, flags: flags,
                              durationUnit: field.durationUnit, epochUnit: field.epochUnit, strftimeIndex: Int16(strftimeIndex)))
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

        func find(_ kinds: [TextFieldKind]) -> [Int] {
            fields.indices.filter { kinds.contains(fields[$0].kind) }
                .sorted { fields[$0].priority > fields[$1].priority || (fields[$0].priority == fields[$1].priority && $0 < $1) }
        }
        let kinds: [Target: [TextFieldKind]] = [
            .time: [.timeCLF, .timeISO8601, .timeEpoch], .status: [.status], .request: [.request], .method: [.method],
            .target: [.target, .path], .duration: [.duration, .durationList], .clientID: [.clientID],
            .address: [.clientAddress], .code: [.errorCode], .idempotency: [.idempotencyKey], .retryAfter: [.retryAfter],
        ]
        var flat: [Int] = []
        candidateStart = .allocate(capacity: Target.allCases.count)
        candidateCount = .allocate(capacity: Target.allCases.count)
        for target in Target.allCases {
            let list = find(kinds[target]!)
            candidateStart[target.rawValue] = flat.count
            candidateCount[target.rawValue] = list.count
            flat += list
        }
        candidates = .allocate(capacity: max(flat.count, 1))
        candidates.initialize(from: flat, count: flat.count)
        usesStrftime = fields.contains { $0.kind == .timeStrftime }
        let extras: [Target] = [.method, .target, .duration, .clientID, .code, .idempotency, .retryAfter]
        ncsaStatusStep = Self.ncsaPrefix(elements)
        let counts = candidateCount
        simple = extras.allSatisfy { counts[$0.rawValue] == 0 } && counts[Target.address.rawValue] <= 1
    }

    /// The status step of an NCSA prefix at the start of `elements`, or -1.
    static func ncsaPrefix(_ elements: [TextElement]) -> Int {
        var kinds: [TextFieldKind] = []
        var literals: [[UInt8]] = []
        for element in elements.prefix(12) {
            switch element {
            case .field(let f): kinds.append(f.kind)
            case .literal(let l): literals.append(l)
            }
        }
        guard elements.count >= 9, case .field = elements[0] else { return -1 }
        let bytes = { (s: String) in Array(s.utf8) }
        // nginx: addr " - " user " [" time "] \"" request "\" " status
        if kinds.count >= 4, kinds[0] == .clientAddress, kinds[1] == .ignored, kinds[2] == .timeCLF, kinds[3] == .request,
           kinds.count >= 5, kinds[4] == .status,
           literals.count >= 4, literals[0] == bytes(" - "), literals[1] == bytes(" ["), literals[2] == bytes("] \""),
           literals[3] == bytes("\" ") {
            return statusTerminatorOK(elements, at: 9) ? 4 : -1
        }
        // Apache: %h " " %l " " %u " [" %t "] \"" %r "\" " %>s
        if kinds.count >= 6, kinds[0] == .clientAddress, kinds[1] == .ignored, kinds[2] == .ignored, kinds[3] == .timeCLF,
           kinds[4] == .request, kinds[5] == .status,
           literals.count >= 5, literals[0] == bytes(" "), literals[1] == bytes(" "), literals[2] == bytes(" ["),
           literals[3] == bytes("] \""), literals[4] == bytes("\" ") {
            return statusTerminatorOK(elements, at: 11) ? 5 : -1
        }
        return -1
    }

    /// The NCSA scanner ends the status at a space or the end of the line: what follows the
    /// status in the format must be one of those.
    private static func statusTerminatorOK(_ elements: [TextElement], at index: Int) -> Bool {
        guard index < elements.count else { return true }
        if case .literal(let l) = elements[index] { return l.first == 0x20 }
        return false
    }

    /// The best step filling `target`, or -1.
    @inline(__always)
    func first(_ target: Target) -> Int {
        candidateCount[target.rawValue] > 0 ? candidates[candidateStart[target.rawValue]] : -1
    }

    deinit {
        steps.deallocate()
        literals.deallocate()
        prefix.deallocate()
        candidates.deallocate()
        candidateStart.deallocate()
        candidateCount.deallocate()
    }
}
