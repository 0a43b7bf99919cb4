import CPostgres

/// Rows for `COPY … FROM STDIN`, encoded into a buffer handed to libpq a megabyte at a time.
/// Binary format: each row is `beginRow(fields:)` then one `append…` per field. Text
/// format: `appendTextRow`.
public final class PostgresCopyWriter {
    public enum Format: Sendable { case binary, text }

    public let format: Format
    var buffer: [UInt8] = []
    let flushSize = 1 << 20
    let flush: ([UInt8]) throws -> Void
    public private(set) var rows: Int64 = 0

    init(format: Format, flush: @escaping ([UInt8]) throws -> Void) {
        self.format = format
        self.flush = flush
        buffer.reserveCapacity(flushSize + 4096)
        if format == .binary {
            // Signature, flags, header extension length.
            buffer.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
            appendBigEndian(Int32(0))
            appendBigEndian(Int32(0))
        }
    }

    @inline(__always)
    private func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    /// Starts a binary row of `fields` fields.
    @inline(__always)
    public func beginRow(fields: Int) throws {
        if buffer.count >= flushSize { try flushBuffer() }
        appendBigEndian(Int16(fields))
        rows += 1
    }

    @inline(__always)
    public func append(_ value: Int64) {
        appendBigEndian(Int32(8))
        appendBigEndian(value)
    }

    @inline(__always)
    public func append(_ value: Int32) {
        appendBigEndian(Int32(4))
        appendBigEndian(value)
    }

    public func appendNull() {
        appendBigEndian(Int32(-1))
    }

    /// A text or bytea field.
    public func append(bytes: [UInt8]) {
        appendBigEndian(Int32(bytes.count))
        buffer.append(contentsOf: bytes)
    }

    public func append(_ text: String) {
        append(bytes: Array(text.utf8))
    }

    /// A text-format row: fields separated by tabs, NULL as `\N`, backslash, tab, newline
    /// and carriage return escaped.
    public func appendTextRow(_ fields: [String?]) throws {
        if buffer.count >= flushSize { try flushBuffer() }
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(0x09) }
            guard let field else { buffer.append(contentsOf: [0x5C, 0x4E]); continue }
            for byte in field.utf8 {
                switch byte {
                case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
                case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
                case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(0x0A)
        rows += 1
    }

    func flushBuffer() throws {
        guard !buffer.isEmpty else { return }
        try flush(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        if format == .binary { appendBigEndian(Int16(-1)) }
        try flushBuffer()
    }
}

extension PostgresConnection {
    /// Runs `sql` (a `COPY table (columns) FROM STDIN [WITH (FORMAT binary)]`) and sends the
    /// rows `produce` writes. Returns the rows the server copied. If `produce` throws, the
    /// COPY is abandoned (and the surrounding transaction must be rolled back).
    @discardableResult
    public func copyIn(_ sql: String, format: PostgresCopyWriter.Format, _ produce: (PostgresCopyWriter) throws -> Void) throws -> Int64 {
        let start = try check(PQexec(handle, sql), sql: sql)
        guard PQresultStatus(start.handle) == PGRES_COPY_IN else {
            throw PostgresError(kind: .other, server: server, detail: "not a COPY FROM STDIN: \(sql.prefix(60))")
        }
        let writer = PostgresCopyWriter(format: format) { [handle] chunk in
            let sent = chunk.withUnsafeBufferPointer { pointer in
                pointer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: chunk.count) {
                    PQputCopyData(handle, $0, Int32(chunk.count))
                }
            }
            if sent != 1 { throw self.failure(nil) }
        }
        do {
            try produce(writer)
            try writer.finish()
        } catch {
            _ = PQputCopyEnd(handle, "abandoned by erranalyze")
            while let result = PQgetResult(handle) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw failure(nil) }
        // The COPY's outcome, then nil.
        var outcome: Result<PostgresResult, Error>?
        while let result = PQgetResult(handle) {
            if outcome == nil {
                outcome = Result { try check(result, sql: sql) }
            } else {
                PQclear(result)
            }
        }
        guard let outcome else { throw failure(nil) }
        return try outcome.get().affectedRows
    }
}
