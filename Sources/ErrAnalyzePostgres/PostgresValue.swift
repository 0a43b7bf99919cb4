/// A query parameter. Integers, booleans and bytes go in PostgreSQL's binary format (no
/// printing and parsing, no escaping of bytea); text goes as text and its type is inferred.
public enum PostgresValue: Sendable, Equatable {
    case null
    case text(String)
    case int64(Int64)
    case int32(Int32)
    case bool(Bool)
    case bytes([UInt8])

    /// PostgreSQL type OIDs of the binary parameters.
    enum OID {
        static let bool: UInt32 = 16
        static let bytea: UInt32 = 17
        static let int8: UInt32 = 20
        static let int4: UInt32 = 23
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(nilLiteral: ()) { self = .null }

    public init(_ value: String?) { self = value.map(PostgresValue.text) ?? .null }
    public init(_ value: Int64?) { self = value.map(PostgresValue.int64) ?? .null }
    public init(_ value: Int) { self = .int64(Int64(value)) }
    public init(_ value: Bool) { self = .bool(value) }
    public init(_ value: [UInt8]?) { self = value.map(PostgresValue.bytes) ?? .null }
}

/// The parameters of one `PQexecParams` call laid out in one buffer, so that every pointer
/// libpq reads stays valid for the call.
struct EncodedParameters {
    var types: [UInt32] = []
    var formats: [Int32] = []
    var lengths: [Int32] = []
    var offsets: [Int] = []   // -1 for NULL
    var bytes: [UInt8] = []

    init(_ values: [PostgresValue]) {
        for value in values {
            switch value {
            case .null:
                append(type: 0, format: 0, nil)
            case .text(let string):
                // Text parameters are read up to their NUL.
                append(type: 0, format: 0, Array(string.utf8) + [0])
            case .int64(let n):
                append(type: PostgresValue.OID.int8, format: 1, withUnsafeBytes(of: n.bigEndian) { Array($0) })
            case .int32(let n):
                append(type: PostgresValue.OID.int4, format: 1, withUnsafeBytes(of: n.bigEndian) { Array($0) })
            case .bool(let b):
                append(type: PostgresValue.OID.bool, format: 1, [b ? 1 : 0])
            case .bytes(let data):
                append(type: PostgresValue.OID.bytea, format: 1, data)
            }
        }
    }

    private mutating func append(type: UInt32, format: Int32, _ data: [UInt8]?) {
        types.append(type)
        formats.append(format)
        if let data {
            offsets.append(bytes.count)
            lengths.append(Int32(data.count))
            bytes.append(contentsOf: data)
        } else {
            offsets.append(-1)
            lengths.append(0)
        }
    }

    /// Calls `body` with the C arrays libpq wants.
    func withPointers<T>(_ body: (UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws -> T) rethrows -> T {
        // A non-empty buffer, so that base addresses exist even for all-NULL parameters.
        let storage = bytes.isEmpty ? [0] : bytes
        return try storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { $0 < 0 ? nil : (base + $0).assumingMemoryBound(to: CChar.self) }
            return try pointers.withUnsafeBufferPointer { values in
                try types.withUnsafeBufferPointer { types in
                    try lengths.withUnsafeBufferPointer { lengths in
                        try formats.withUnsafeBufferPointer { formats in
                            try body(types.baseAddress, values.baseAddress, lengths.baseAddress, formats.baseAddress)
                        }
                    }
                }
            }
        }
    }
}
