import NIOCore
import NIOHTTP1

/// What the fake server sends for one request: status, headers, the body in chosen pieces
/// with chosen pauses, and how the response ends.
struct FakeResponse: Sendable {
    /// How to cut a body into the pieces the server writes (each one flushed on its own).
    enum Chunking: Sendable {
        /// The whole body in one write.
        case whole
        /// One byte per write: events, lines and UTF-8 sequences are all cut.
        case byteByByte
        /// Writes of `n` bytes.
        case every(Int)
        /// One write per `\n`-terminated line.
        case lines
    }

    /// How the response ends after the last piece.
    enum Ending: Sendable {
        /// The proper end of the chunked body; the connection stays open for reuse.
        case complete
        /// The connection is closed without ending the body, as when a server dies.
        case abort
        /// Nothing more is sent and the connection stays open for this long (or until the
        /// client closes it).
        case hang(seconds: Double)
        /// `piece` is sent again and again, `everyMilliseconds` (at least 1) apart, until the
        /// client closes the connection: a server whose answer never ends.
        case endless(String, everyMilliseconds: Int)
    }

    /// One write.
    struct Piece: Sendable {
        var bytes: [UInt8]
        /// The pause before writing it.
        var delayMilliseconds: Int
    }

    var status: HTTPResponseStatus = .ok
    var headers: [(String, String)] = []
    var pieces: [Piece] = []
    var ending: Ending = .complete
    /// The body's size is announced with `content-length` (used for error bodies); otherwise
    /// the body is chunked, as streaming APIs send it.
    var fixedLength = false

    /// A streaming body.
    static func stream(
        _ body: String,
        contentType: String,
        chunking: Chunking = .whole,
        delayMilliseconds: Int = 0,
        ending: Ending = .complete
    ) -> FakeResponse {
        FakeResponse(
            headers: [("Content-Type", contentType)],
            pieces: split(Array(body.utf8), chunking).map { Piece(bytes: $0, delayMilliseconds: delayMilliseconds) },
            ending: ending
        )
    }

    /// An SSE body (`text/event-stream`).
    static func sse(_ body: String, chunking: Chunking = .whole, delayMilliseconds: Int = 0, ending: Ending = .complete) -> FakeResponse {
        stream(body, contentType: "text/event-stream", chunking: chunking, delayMilliseconds: delayMilliseconds, ending: ending)
    }

    /// An NDJSON body, as Ollama sends it.
    static func ndjson(_ body: String, chunking: Chunking = .whole, delayMilliseconds: Int = 0, ending: Ending = .complete) -> FakeResponse {
        stream(body, contentType: "application/x-ndjson", chunking: chunking, delayMilliseconds: delayMilliseconds, ending: ending)
    }

    /// A complete JSON body with a status, for errors.
    static func json(status: HTTPResponseStatus, _ body: String, headers: [(String, String)] = []) -> FakeResponse {
        FakeResponse(
            status: status,
            headers: [("Content-Type", "application/json")] + headers,
            pieces: [Piece(bytes: Array(body.utf8), delayMilliseconds: 0)],
            fixedLength: true
        )
    }

    private static func split(_ bytes: [UInt8], _ chunking: Chunking) -> [[UInt8]] {
        switch chunking {
        case .whole:
            return bytes.isEmpty ? [] : [bytes]
        case .byteByByte:
            return bytes.map { [$0] }
        case .every(let size):
            return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        case .lines:
            var lines: [[UInt8]] = []
            var current: [UInt8] = []
            for byte in bytes {
                current.append(byte)
                if byte == UInt8(ascii: "\n") {
                    lines.append(current)
                    current = []
                }
            }
            if !current.isEmpty { lines.append(current) }
            return lines
        }
    }
}
