/// Failures of the byte-level framing parsers.
public enum FramingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A single line grew past the parser's limit without a line break; a server that does
    /// this is broken, and buffering without bound would let it exhaust memory.
    case lineTooLong(limit: Int)
    /// An SSE event's `data:` lines grew past the parser's limit without the blank line that
    /// ends the event.
    case eventTooLarge(limit: Int)
    /// An NDJSON line was not valid JSON; `snippet` is its start.
    case invalidJSONLine(snippet: String)

    /// What went wrong.
    public var description: String {
        switch self {
        case .lineTooLong(let limit):
            return "a line exceeded \(limit) bytes without a line break"
        case .eventTooLarge(let limit):
            return "an event's data exceeded \(limit) bytes without the blank line that ends it"
        case .invalidJSONLine(let snippet):
            return "a line is not valid JSON: \(snippet)"
        }
    }
}
