import Testing
@testable import ManifoldLLM

@Suite("NDJSON parser")
struct NDJSONParserTests {
    private func parse(_ text: String, pieceSize: Int) throws -> [JSONValue] {
        var parser = NDJSONParser()
        let bytes = Array(text.utf8)
        var values: [JSONValue] = []
        for start in stride(from: 0, to: bytes.count, by: pieceSize) {
            values += try parser.feed(bytes[start..<min(start + pieceSize, bytes.count)])
        }
        return values + (try parser.finish())
    }

    @Test func parsesLinesSplitAnywhereIncludingInsideUTF8() throws {
        let text = "{\"a\":\"é🌍\"}\n\n{\"b\":[1,2.5,null]}\r\n   \n{\"c\":true}"
        let expected: [JSONValue] = [["a": "é🌍"], ["b": [1, 2.5, nil]], ["c": true]]
        for size in [1, 2, 3, 5, 100] {
            #expect(try parse(text, pieceSize: size) == expected, "piece size \(size)")
        }
    }

    @Test func finishParsesALastLineWithoutNewline() throws {
        var parser = NDJSONParser()
        #expect(try parser.feed(Array("{\"done\":true}".utf8)).isEmpty)
        #expect(try parser.finish() == [["done": true]])
    }

    @Test func invalidLineThrowsWithASnippet() {
        var parser = NDJSONParser()
        #expect(throws: FramingError.invalidJSONLine(snippet: "{not json")) {
            _ = try parser.feed(Array("{\"ok\":1}\n{not json\n".utf8))
        }
    }
}
