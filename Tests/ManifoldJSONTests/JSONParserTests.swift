import Foundation
import ManifoldJSON
import Testing

@Suite("JSON: parsing")
struct JSONParserTests {
    /// The problem `text` is refused with.
    func refusal(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONValue(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(parsing: #"{"a": [1, -2, 2.5, -0.0, 1e3, true, false, null, "x\n\u00e9\ud83d\ude00"]}"#)
        #expect(value == ["a": [1, -2, 2.5, 0, 1000, true, false, nil, "x\né😀"]])
        #expect(try JSONValue(parsing: "[2.0, 1e3, 1.5e300]") == [.integer(2), .integer(1000), .number(1.5e300)])
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(.min))
        #expect(try JSONValue(parsing: "9223372036854775808") == .number(9223372036854775808.0))
        #expect(try JSONValue(parsing: "\u{FEFF}[]") == [])
    }

    @Test func keysThatDifferOnlyByNormalisationAreTwoKeys() throws {
        let value = try JSONValue(parsing: "{\"\u{E9}\": 1, \"e\u{301}\": 2}")
        let object = try #require(value.objectValue)
        #expect(object.count == 2)
        #expect(object["\u{E9}"] == 1)
        #expect(object["e\u{301}"] == 2)
        #expect(String(decoding: value.serialized(), as: UTF8.self) == "{\"e\u{301}\":2,\"\u{E9}\":1}")
    }

    @Test func duplicateKeyIsRefusedWithItsPathAndBothPlaces() throws {
        let error = try #require(refusal("{\"outer\": {\n  \"a\": 1,\n  \"a\": 2}}"))
        #expect(error.line == 3)
        #expect(error.column == 3)
        #expect(error.description.contains("duplicate key \"a\" at $.outer.a (first written at line 2, column 3)"))
    }

    @Test func numberOutOfRangeIsNamed() throws {
        let error = try #require(refusal("[1, 1e400]"))
        #expect(error.description == "invalid JSON at line 1, column 5 (byte 4): number 1e400 is out of range: JSON numbers here must fit a 64-bit double (about ±1.8e308) (in $[1])")
    }

    @Test func loneSurrogatesAreNamed() throws {
        let high = try #require(refusal(#"{"k": "a\ud800b"}"#))
        #expect(high.description.contains("\\uD800 is a lone surrogate"))
        #expect(high.description.contains("(in $.k)"))
        #expect(high.offset == 8)
        let low = try #require(refusal(#"["\udc00"]"#))
        #expect(low.description.contains("\\uDC00 is a lone surrogate"))
    }

    @Test func syntaxErrorsArePlaced() throws {
        #expect(try #require(refusal("[1,]")).description.contains("trailing comma"))
        #expect(try #require(refusal("{\"a\" 1}")).description.contains("expected ':' after the key \"a\""))
        #expect(try #require(refusal("[01]")).description.contains("leading zeros"))
        #expect(try #require(refusal("\"a\u{1}\"")).description.contains("unescaped control character (U+0001)"))
        #expect(try #require(refusal("[1] 2")).description.contains("after the end of the JSON value"))
        #expect(try #require(refusal("")).description.contains("empty"))
        #expect(try #require(refusal("[tru]")).description.contains("unexpected 'tru'"))
        #expect(try #require(refusal(#"["\x"]"#)).description.contains(#"invalid escape '\x'"#))
    }

    @Test func invalidUTF8IsRefused() throws {
        do {
            _ = try JSONValue(parsing: Data([0x22, 0x61, 0xFF, 0x22]))
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.offset == 2)
            #expect(error.description.contains("not valid UTF-8"))
        }
    }

    @Test func nestingIsLimited() throws {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(try #require(refusal(deep)).description.contains("nested deeper than \(JSONParser.maximumDepth) levels"))
        let fine = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(refusal(fine) == nil)
    }

    @Test func serialisationRoundTrips() throws {
        let value: JSONValue = ["b": [1, 2.5, "q\"\\\u{1}/"], "a": nil, "c": ["d": true]]
        let text = String(decoding: value.serialized(), as: UTF8.self)
        #expect(text == #"{"a":null,"b":[1,2.5,"q\"\\\u0001/"],"c":{"d":true}}"#)
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: value.serialized(pretty: true)) == value)
        #expect(JSONValue.number(.infinity).jsonText == "null")
        #expect(JSONValue.number(3).jsonText == "3")
    }
}
