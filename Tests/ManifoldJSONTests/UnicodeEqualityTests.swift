import ManifoldJSON
import Testing

/// JSON compares strings and names by code points; Swift's `String ==` by canonical
/// equivalence, under which NFC "é" equals NFD "e\u{301}".
@Suite("JSON: code point equality")
struct UnicodeEqualityTests {
    let composed = "\u{E9}"
    let decomposed = "e\u{301}"

    @Test func valuesAndObjectsCompareByCodePoints() {
        #expect(JSONValue.string(composed) != .string(decomposed))
        #expect(JSONValue.string(composed) == .string("\u{E9}"))
        var object = JSONObject()
        object[composed] = 1
        object[decomposed] = 2
        #expect(object.count == 2)
        #expect(Set([JSONValue.string(composed), .string(decomposed)]).count == 2)
        #expect(JSONText.sameCodePoints(composed, decomposed) == false)
    }

    @Test func constAndEnum() throws {
        #expect(try Support.violations(["const": .string(composed)], .string(decomposed)).count == 1)
        #expect(try Support.violations(["enum": [.string(composed)]], .string(decomposed)).count == 1)
        #expect(try Support.violations(["enum": [.string(composed)]], .string(composed)).isEmpty)
    }

    @Test func requiredAndProperties() throws {
        let data = try JSONValue(parsing: "{\"\(decomposed)\": \"x\"}")
        #expect(try Support.violations(["required": [.string(composed)]], data).lines == ["$: missing required property '\(composed)'"])
        let typed: JSONValue = ["properties": .object(JSONObject(dictionaryLiteral: (composed, ["type": "integer"])))]
        #expect(try Support.violations(typed, data).isEmpty)
        let closed: JSONValue = [
            "properties": .object(JSONObject(dictionaryLiteral: (composed, true))), "additionalProperties": false,
        ]
        #expect(try Support.violations(closed, data).map(\.keyword) == ["additionalProperties"])
    }

    @Test func uniqueItemsAndDependentRequired() throws {
        #expect(try Support.violations(["uniqueItems": true], [.string(composed), .string(decomposed)]).isEmpty)
        let dependent: JSONValue = ["dependentRequired": .object(JSONObject(dictionaryLiteral: (composed, [.string(decomposed)])))]
        let data = try JSONValue(parsing: "{\"\(composed)\": 1}")
        #expect(try Support.violations(dependent, data).map(\.keyword) == ["dependentRequired"])
    }

    @Test func requiredListsBothFormsWithoutCallingThemDuplicates() {
        #expect(Support.schemaProblems(["required": [.string(composed), .string(decomposed)]]).isEmpty)
    }
}
