import Foundation
import ManifoldJSON
import Testing

@Suite("JSON: the scanner")
struct JSONScannerTests {
    /// The string members of an object, by the scanner; `nil` when it declines.
    func strings(_ text: String) -> [String: String]? {
        var members: [String: String] = [:]
        let read = Array(text.utf8).withUnsafeBytes { bytes in
            JSONScanner.scan(bytes) { scanner in
                scanner.object { name, scanner in
                    guard let value = scanner.string() else { return false }
                    members[name.string] = value
                    return true
                }
            }
        }
        return read ? members : nil
    }

    /// Whether the scanner skips `text` as one value.
    func skips(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { bytes in JSONScanner.scan(bytes) { $0.skip() } }
    }

    @Test func readsStringsAsTheParserDoes() throws {
        let text = #"{"plain": "Hi", "escapes": "q\" b\\ s\/ \b\f\n\r\t \u0001 \u00e9 \ud83d\ude00", "raw": "é 😀 \#u{2028}"}"#
        let members = try #require(strings(text))
        let parsed = try #require(try JSONValue(parsing: text).objectValue)
        #expect(members.count == 3)
        for (name, value) in members { #expect(parsed[name]?.stringValue == value, "member \(name)") }
        #expect(members["escapes"] == "q\" b\\ s/ \u{8}\u{C}\n\r\t \u{1} é 😀")
    }

    @Test func skipsEveryKindOfValueTheParserAccepts() {
        for text in [#"{"a": [1, -2, 2.5, -0, true, false, null, {"b": "c"}, []], "d": {}}"#, "\u{FEFF} [\"x\"] ", "0", #""é""#] {
            #expect(skips(text), "\(text)")
            #expect((try? JSONValue(parsing: text)) != nil, "\(text)")
        }
    }

    @Test("it declines what the parser refuses, so the parser can say why")
    func declinesInvalidText() {
        let refused = [
            #"{"a": "x", "a": "y"}"#, "{\"a\": \"\u{1}\"}", #"{"a": "\ud800"}"#, #"{"a": "\udc00"}"#, #"{"a": 01}"#, #"{"a": 1,}"#,
            #"{"a": -}"#, #"{"a": 1.}"#, #"{"a" 1}"#, #"{"a": tru}"#, #"{"a": "b"} x"#, "[1, 2", #""\x""#, "", "{\"a\": \"\u{FFFF}\"",
        ]
        for text in refused {
            #expect(!skips(text), "\(text)")
            #expect((try? JSONValue(parsing: text)) == nil, "\(text)")
        }
        // Invalid UTF-8 in a string or a member name.
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D]] {
            #expect(!bytes.withUnsafeBytes { JSONScanner.scan($0) { $0.skip() } })
            #expect((try? JSONValue(parsing: Data(bytes))) == nil)
        }
    }

    @Test("it declines some valid text it does not read, which the caller then parses")
    func declinesWhatItDoesNotRead() {
        #expect(!skips(#"{"a": 1e400}"#), "an exponent may be out of range")
        #expect((try? JSONValue(parsing: #"{"a": 1e400}"#)) == nil)
        #expect(!skips(#"{"a": 1e3}"#))
        #expect(!skips(#"{"\u0061": 1}"#), "an escaped member name")
        #expect(!skips(String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)))
    }

    @Test("names that differ only by normalisation are two members, as in the parser")
    func namesAreCodePoints() throws {
        // Swift's String keys would merge them, so the names are collected in an array.
        var names: [String] = []
        let read = Array("{\"\u{E9}\": \"1\", \"e\u{301}\": \"2\"}".utf8).withUnsafeBytes { bytes in
            JSONScanner.scan(bytes) { scanner in
                scanner.object { name, scanner in
                    names.append(name.string)
                    return scanner.skip()
                }
            }
        }
        #expect(read)
        #expect(names.map { Array($0.unicodeScalars) } == [["\u{E9}"], ["e", "\u{301}"]])
    }

    @Test func readsIntegersAndStaysPutAtOtherValues() {
        let text = #"{"a": 12, "b": -9223372036854775808, "c": 2.5, "d": "7", "e": 9223372036854775808, "f": null, "g": true}"#
        var read: [String: String] = [:]
        let scanned = Array(text.utf8).withUnsafeBytes { bytes in
            JSONScanner.scan(bytes) { scanner in
                scanner.object { name, scanner in
                    // A reader that declines leaves the scanner where it was: the value can still be skipped.
                    if let integer = scanner.integer() {
                        read[name.string] = "int \(integer)"
                    } else if let flag = scanner.bool() {
                        read[name.string] = "bool \(flag)"
                    } else if scanner.null() {
                        read[name.string] = "null"
                    } else {
                        read[name.string] = "skipped"
                        return scanner.skip()
                    }
                    return true
                }
            }
        }
        #expect(scanned)
        #expect(read == [
            "a": "int 12", "b": "int -9223372036854775808", "c": "skipped", "d": "skipped", "e": "skipped", "f": "null", "g": "bool true",
        ])
    }

    @Test("appendJSONString escapes quotes, backslashes and control characters and keeps the rest as UTF-8")
    func writesStrings() throws {
        for text in ["plain", "q\"uote", "back\\slash", "nl\n tab\t cr\r \u{8}\u{C}", "\u{0}\u{1}\u{1F}\u{7F}", "é 😀 \u{2028} /", ""] {
            var bytes: [UInt8] = []
            JSONValue.appendJSONString(text, to: &bytes)
            #expect(try JSONValue(parsing: Data(bytes)) == .string(text))
            #expect(bytes == Array(JSONValue.string(text).serialized()), "the same text as serialized()")
        }
        var bytes: [UInt8] = []
        JSONValue.appendJSONString("a\"\u{1}\n", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\"\u0001\n""#)
    }
}
