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
        let secrets = secrets
        do {
            try feed(bytes) { line in
                if let value = try Self.parse(line, secrets: secrets) { values.append(value) }
            }
        } catch let error as FramingError {
            throw error
        } catch {
            preconditionFailure("the splitter and the parser throw only FramingError: \(error)")
        }
        return values
    }

    /// Adds bytes; calls `line` with each line they complete that is not blank, in place (the
    /// buffer is valid only during the call), so a decoder can read the members it needs
    /// without a `JSONValue`, and `parse(_:secrets:)` the lines it does not read that way.
    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes, line: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try lines.feed(bytes) { text in
            if !Self.isBlank(text) { try line(text) }
        }
    }

    /// Ends the input; returns the value of a last line that had no line break.
    public mutating func finish() throws(FramingError) -> [JSONValue] {
        guard let line = lines.finish() else { return [] }
        let value = try line.withUnsafeBufferPointer { (line) throws(FramingError) in try Self.parse(line, secrets: secrets) }
        return value.map { [$0] } ?? []
    }

    /// The value of one line; `nil` for a blank one. `secrets` are scrubbed from the snippet
    /// of a line that is not JSON.
    static func parse(_ line: UnsafeBufferPointer<UInt8>, secrets: Secrets) throws(FramingError) -> JSONValue? {
        if isBlank(line) { return nil }
        do {
            return try JSONValue(parsing: Data(buffer: line))
        } catch {
            throw .invalidJSONLine(snippet: Snippet.make(bytes: Array(line), secrets: secrets))
        }
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }
}
