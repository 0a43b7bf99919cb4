extension PostgresConnection {
    /// The ids of `values` in an interned-string table (routes, methods, codes, clients:
    /// `id serial, value text UNIQUE`; hosts: `name`), adding those missing. One round trip
    /// each way, whatever the number of values. New values are inserted in sorted order, so
    /// that two hosts adding the same new names at once wait for each other instead of
    /// deadlocking. A NUL character, which PostgreSQL text cannot hold, is stored as U+FFFD;
    /// the returned map is keyed by the values as given.
    public func internedIDs(table: String, column: String = "value", values: [String]) throws -> [String: Int64] {
        guard !values.isEmpty else { return [:] }
        let stored = values.map(Self.storable)
        let array = PostgresValue.text(Self.arrayLiteral(stored))
        try query("""
            INSERT INTO \(table) (\(column)) SELECT DISTINCT v FROM unnest($1::text[]) AS v
            WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE \(column) = v) ORDER BY v
            ON CONFLICT (\(column)) DO NOTHING
            """, [array])
        let result = try query("SELECT \(column), id FROM \(table) WHERE \(column) = ANY($1::text[])", [array])
        var byStored: [String: Int64] = [:]
        for row in result.rows { byStored[row.string(0)] = row.int64(1) }
        var ids: [String: Int64] = [:]
        for (value, storedValue) in zip(values, stored) {
            guard let id = byStored[storedValue] else {
                throw PostgresError(kind: .other, server: server, detail: "\(table): could not record \(storedValue.prefix(80))")
            }
            ids[value] = id
        }
        return ids
    }

    static func storable(_ value: String) -> String {
        value.contains("\0") ? value.replacingOccurrences(of: "\0", with: "\u{FFFD}") : value
    }

    /// A PostgreSQL array literal of text elements, each quoted.
    static func arrayLiteral(_ values: [String]) -> String {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
