import Foundation
import ManifoldJSON

/// An incremental newline-delimited JSON parser: one JSON value per line.
///
/// Lines end in LF (a CR before it is dropped); blank lines are skipped; a final line without
/// a line break is parsed by `finish()`.
public struct NDJSONParser: Sendable {
    private var lines: LineSplitter
    /// Scrubbed from the snippet of a line that is not JSON, before it is cut.
    private let secrets: Secrets

    /// Creates a parser; a line longer than `maxLineBytes` makes `feed` throw.
    public init(maxLineBytes: Int = 16 << 20) {
        self.init(maxLineBytes: maxLineBytes, secrets: .none)
    }

    init(maxLineBytes: Int, secrets: Secrets) {
        lines = LineSplitter(endings: .lf, maxLineBytes: maxLineBytes)
        self.secrets = secrets
    }

    /// Adds bytes; returns the values of the lines they completed, in order.
    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(FramingError) -> [JSONValue] {
        var values: [JSONValue] = []
        for line in try lines.feed(bytes) {
            if let value = try parse(line) { values.append(value) }
        }
        return values
    }

    /// Ends the input; returns the value of a last line that had no line break.
    public mutating func finish() throws(FramingError) -> [JSONValue] {
        guard let line = lines.finish(), let value = try parse(line) else { return [] }
        return [value]
    }

    private func parse(_ line: [UInt8]) throws(FramingError) -> JSONValue? {
        let isBlank = line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        if isBlank { return nil }
        do {
            return try JSONValue(parsing: Data(line))
        } catch {
            throw .invalidJSONLine(snippet: Snippet.make(bytes: line, secrets: secrets))
        }
    }
}
