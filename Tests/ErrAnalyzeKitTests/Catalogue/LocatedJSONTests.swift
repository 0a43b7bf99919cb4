import Testing
@testable import ErrAnalyzeKit

@Suite("Catalogue JSON reader and writer")
struct LocatedJSONTests {
    @Test("values, escapes and positions")
    func values() throws {
        let json = try LocatedJSONParser.parse("""
        {"a": [1, -2.5e3, true, false, null],
         "s": "tab\\t quote\\" é \\u00e9 \\ud83d\\ude00 — done"}
        """)
        let members = try #require(json.members)
        #expect(members.map(\.key) == ["a", "s"])
        #expect(members[1].keyPosition == TextPosition(line: 2, column: 2))
        #expect(members[1].value.stringValue == "tab\t quote\" é é 😀 — done")
        let elements = try #require(members[0].value.elements)
        #expect(elements[0].integerValue == 1)
        #expect(elements[1].integerValue == nil) // not an integer literal
        #expect(elements[1].position == TextPosition(line: 1, column: 11))
    }

    @Test("syntax errors name the line and column", arguments: [
        ("{\"a\": 1,}", 1, 9, "trailing comma"),
        ("{\"a\": 01}", 1, 7, "leading zeros"),
        ("{\"a\": 'x'}", 1, 7, "double quotes"),
        ("{\"a\":\n  tru}", 2, 3, "expected 'true'"),
        ("{\"a\": \"x}", 1, 7, "unterminated string"),
        ("{\"a\": 1} x", 1, 10, "after the end"),
        ("{\"é\": \"é\" \"b\": 2}", 1, 11, "expected ',' or '}'"),
        ("[1, 2", 1, 6, "inside the array"),
        ("{\"a\": \"\\q\"}", 1, 9, "invalid escape"),
        ("{\"a\": \"\\ud800\"}", 1, 9, "surrogate"),
    ])
    func syntaxErrors(text: String, line: Int, column: Int, fragment: String) {
        do {
            _ = try LocatedJSONParser.parse(text)
            Issue.record("\(text) should not parse")
        } catch {
            #expect(error.position == TextPosition(line: line, column: column), "\(text): \(error.message)")
            #expect(error.message.contains(fragment), "\(text): \(error.message)")
        }
    }

    @Test("the writer keeps member order, inlines short containers and escapes")
    func writer() {
        let value = OrderedJSON.object([
            ("z", .int(1)),
            ("a", .array([.int(400), .int(401)])),
            ("s", .string("line\nbreak \"q\" \u{01} é")),
            ("o", .object([("policy", .string("user_action")), ("kind", .string("reconnect"))])),
            ("skipped", nil),
        ])
        #expect(value.rendered() == """
        {
          "z": 1,
          "a": [400, 401],
          "s": "line\\nbreak \\"q\\" \\u0001 é",
          "o": {"policy": "user_action", "kind": "reconnect"}
        }
        """)
        #expect(value.rendered(pretty: false) == #"{"z":1,"a":[400,401],"s":"line\nbreak \"q\" \u0001 é","o":{"policy":"user_action","kind":"reconnect"}}"#)
    }
}
