/// A line and column in a text, both counted from 1; columns count Unicode scalars.
public struct TextPosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A parsed JSON value that remembers where it starts in its text.
///
/// Foundation's JSONSerialization forgets positions, silently keeps one of two duplicate
/// keys and reorders objects; catalogue validation needs all three (problems cite a line,
/// duplicates are reported, and written files keep a readable key order), hence this small
/// parser of its own. Catalogue files are small, so the tree is built eagerly.
struct LocatedJSON: Sendable {
    indirect enum Value: Sendable {
        case null
        case bool(Bool)
        /// The literal text is kept so that integers can be told from `4e2` or `400.0`.
        case number(Double, literal: String)
        case string(String)
        case array([LocatedJSON])
        /// Members in file order, duplicates included.
        case object([Member])
    }

    struct Member: Sendable {
        var key: String
        var keyPosition: TextPosition
        var value: LocatedJSON
    }

    var value: Value
    var position: TextPosition

    /// The JSON type name used in messages: "a string", "an array"…
    var typeDescription: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    var stringValue: String? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// The value as an Int when its literal is a plain integer (no fraction, no exponent).
    var integerValue: Int? {
        if case .number(_, let literal) = value, !literal.contains(where: { ".eE".contains($0) }) {
            return Int(literal)
        }
        return nil
    }

    var members: [Member]? {
        if case .object(let m) = value { return m }
        return nil
    }

    var elements: [LocatedJSON]? {
        if case .array(let a) = value { return a }
        return nil
    }
}

/// A JSON text that is not well formed, with the position of the first error.
struct JSONSyntaxError: Error, Sendable, Equatable {
    var message: String
    var position: TextPosition
}
