import CPostgres

/// The rows of one query, owned (freed with the result). Columns are read by index, typed;
/// each reader accepts the text format and the binary one of the column's type.
public final class PostgresResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { PQclear(handle) }

    public var rowCount: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Rows changed by an INSERT, UPDATE, DELETE or COPY (0 for other commands).
    public var affectedRows: Int64 {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int64(String(cString: text)) ?? 0
    }

    public func columnName(_ column: Int) -> String { String(cString: PQfname(handle, Int32(column))) }

    public func row(_ index: Int) -> PostgresRow { PostgresRow(result: self, index: Int32(index)) }

    public var rows: [PostgresRow] { (0..<rowCount).map(row) }

    /// The first row, if any.
    public var first: PostgresRow? { rowCount > 0 ? row(0) : nil }
}

/// One row of a `PostgresResult` (keeps the result alive).
public struct PostgresRow {
    public let result: PostgresResult
    public let index: Int32

    private var handle: OpaquePointer { result.handle }

    public func isNull(_ column: Int) -> Bool { PQgetisnull(handle, index, Int32(column)) != 0 }

    private func isBinary(_ column: Int) -> Bool { PQfformat(handle, Int32(column)) == 1 }

    private func raw(_ column: Int) -> UnsafeRawBufferPointer {
        let length = Int(PQgetlength(handle, index, Int32(column)))
        guard let value = PQgetvalue(handle, index, Int32(column)) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: value, count: length)
    }

    /// The column as text (a NULL reads as "").
    public func string(_ column: Int) -> String {
        guard let value = PQgetvalue(handle, index, Int32(column)) else { return "" }
        if isBinary(column) { return String(decoding: raw(column), as: UTF8.self) }
        return String(cString: value)
    }

    public func optionalString(_ column: Int) -> String? { isNull(column) ? nil : string(column) }

    /// An integer column (smallint, integer, bigint; or numeric text without a fraction).
    /// A NULL reads as 0.
    public func int64(_ column: Int) -> Int64 {
        let bytes = raw(column)
        if isBinary(column) {
            var n: Int64 = 0
            for byte in bytes { n = n << 8 | Int64(byte) }
            // Sign-extend the shorter integer types.
            let bits = 64 - bytes.count * 8
            return bits > 0 && bits < 64 ? (n << Int64(bits)) >> Int64(bits) : n
        }
        var n: Int64 = 0
        var negative = false
        for byte in bytes {
            if byte == UInt8(ascii: "-") { negative = true; continue }
            guard byte >= 48 && byte <= 57 else { break }
            n = n &* 10 &+ Int64(byte - 48)
        }
        return negative ? -n : n
    }

    public func optionalInt64(_ column: Int) -> Int64? { isNull(column) ? nil : int64(column) }

    public func int(_ column: Int) -> Int { Int(int64(column)) }

    public func bool(_ column: Int) -> Bool {
        let bytes = raw(column)
        guard let first = bytes.first else { return false }
        return isBinary(column) ? first != 0 : first == UInt8(ascii: "t")
    }

    /// A bytea column (text format `\x…` hex, or binary).
    public func bytes(_ column: Int) -> [UInt8] {
        let bytes = raw(column)
        if isBinary(column) { return Array(bytes) }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else { return Array(bytes) }
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return 0
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count - 2) / 2)
        var i = 2
        while i + 1 < bytes.count {
            out.append(nibble(bytes[i]) << 4 | nibble(bytes[i + 1]))
            i += 2
        }
        return out
    }

    public func optionalBytes(_ column: Int) -> [UInt8]? { isNull(column) ? nil : bytes(column) }
}
