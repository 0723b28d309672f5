import Testing
@testable import ManifoldLLM

/// Feeds `text` to a fresh parser in pieces of `size` bytes.
private func parse(_ text: String, pieceSize: Int = .max) throws -> [SSEEvent] {
    var parser = SSEParser()
    let bytes = Array(text.utf8)
    var events: [SSEEvent] = []
    for start in stride(from: 0, to: bytes.count, by: min(pieceSize, max(bytes.count, 1))) {
        events += try parser.feed(bytes[start..<min(start + pieceSize, bytes.count)])
    }
    parser.finish()
    return events
}

@Suite("SSE parser")
struct SSEParserTests {
    @Test func dispatchesAtBlankLine() throws {
        #expect(try parse("data: hello\n\n") == [SSEEvent(data: "hello")])
        #expect(try parse("data: hello\n").isEmpty, "no blank line yet: nothing dispatched")
    }

    @Test func joinsMultipleDataLinesWithNewline() throws {
        #expect(try parse("data: first\ndata: second\ndata:\ndata: fourth\n\n") == [SSEEvent(data: "first\nsecond\n\nfourth")])
    }

    @Test func ignoresComments() throws {
        #expect(try parse(": keep-alive\n\n:another\ndata: x\n: inside\n\n") == [SSEEvent(data: "x")])
    }

    @Test func readsEventNamesAndResetsThemAfterDispatch() throws {
        let events = try parse("event: ping\ndata: {}\n\ndata: plain\n\n")
        #expect(events == [SSEEvent(event: "ping", data: "{}"), SSEEvent(event: "message", data: "plain")])
    }

    @Test func stripsOnlyOneSpaceAfterTheColon() throws {
        #expect(try parse("data:no-space\n\ndata:  two\n\n") == [SSEEvent(data: "no-space"), SSEEvent(data: " two")])
    }

    @Test func fieldWithoutColonHasEmptyValue() throws {
        #expect(try parse("data\n\n") == [SSEEvent(data: "")])
    }

    @Test func eventWithoutDataIsNotDispatched() throws {
        #expect(try parse("event: lonely\n\ndata: next\n\n") == [SSEEvent(data: "next")])
    }

    @Test func idPersistsAndRetrySetsReconnectionTime() throws {
        var parser = SSEParser()
        let events = try parser.feed(Array("id: 7\nretry: 1500\ndata: a\n\ndata: b\n\nretry: soon\nid\ndata: c\n\n".utf8))
        #expect(events.map(\.id) == ["7", "7", nil])
        #expect(parser.reconnectionTimeMilliseconds == 1500, "a non-digit retry is ignored")
    }

    @Test func toleratesCRLFAndCROnlyLineEndings() throws {
        let expected = [SSEEvent(event: "a", data: "1\n2"), SSEEvent(data: "3")]
        #expect(try parse("event: a\r\ndata: 1\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n") == expected)
        #expect(try parse("event: a\rdata: 1\rdata: 2\r\rdata: 3\r\r") == expected)
        #expect(try parse("event: a\ndata: 1\rdata: 2\r\n\ndata: 3\r\r") == expected)
    }

    @Test func crAtTheEndOfAChunkThenLFIsOneLineBreak() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("data: x\r".utf8)).isEmpty)
        // If the LF counted as a second line break, the event would be dispatched here.
        #expect(try parser.feed(Array("\n".utf8)).isEmpty)
        #expect(try parser.feed(Array("\r\n".utf8)) == [SSEEvent(data: "x")])
    }

    @Test func everySplitPointGivesTheSameEvents() throws {
        let text = "event: delta\r\ndata: Grüße 🌍 €\r\n: comment\r\ndata: line two\r\n\r\ndata: [DONE]\n\n"
        let whole = try parse(text)
        #expect(whole == [SSEEvent(event: "delta", data: "Grüße 🌍 €\nline two"), SSEEvent(data: "[DONE]")])
        for size in 1...7 {
            #expect(try parse(text, pieceSize: size) == whole, "piece size \(size)")
        }
    }

    @Test func skipsALeadingByteOrderMark() throws {
        #expect(try parse("\u{FEFF}data: x\n\n", pieceSize: 1) == [SSEEvent(data: "x")])
    }

    @Test func dropsAnEventCutByTheEndOfInput() throws {
        #expect(try parse("data: complete\n\ndata: cut") == [SSEEvent(data: "complete")])
    }

    @Test func rejectsAnEndlessLine() {
        var parser = SSEParser(maxLineBytes: 16)
        #expect(throws: FramingError.lineTooLong(limit: 16)) {
            _ = try parser.feed(Array(repeating: UInt8(ascii: "a"), count: 17))
        }
    }
}
