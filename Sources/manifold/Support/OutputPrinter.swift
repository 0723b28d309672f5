import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import Synchronization

/// Prints a graph's outputs as they arrive.
///
/// Text mode writes each payload of a text type (`ArtifactType.isText`) on its own line,
/// except `chat/delta` artifacts, which are fragments of one message and are written as they
/// come, without a line break, so a model's answer appears token by token; the `chat/message`
/// that completes deltas already shown is not printed again. A payload of any other type
/// (`application/gzip`, `image/png`) is binary: it is written byte for byte with nothing
/// added, so `manifold run … > out.gz` holds exactly what the plugin emitted — unless standard
/// output is a terminal, which such bytes would garble: then it is counted, not written, and
/// `finish` says how to get it. JSON mode writes one object per artifact per line.
final class OutputPrinter: Sendable {
    private let format: RunCommand.OutputFormat
    private let midLine = Mutex(false)
    /// Whether binary outputs are held back because standard output is a terminal.
    private let withholdsBinary: Bool
    /// Binary outputs held back, and their types.
    private let withheld = Mutex((count: 0, types: Set<String>()))
    /// Correlation ids whose answer was already shown delta by delta.
    private let streamed = Mutex(Set<String>())
    private let progress = Mutex((count: 0, shown: false))
    private let showsProgress: Bool

    init(format: RunCommand.OutputFormat) {
        self.format = format
        self.withholdsBinary = Terminal.stdoutIsTerminal
        // Progress goes to stderr only when stdout is redirected, so the two never interleave.
        self.showsProgress = Terminal.stderrIsTerminal && isatty(1) == 0
    }

    func print(_ artifact: Artifact, output: String) {
        switch format {
        case .json:
            Terminal.output(Self.json(artifact, output: output).jsonText + "\n")
        case .text:
            if artifact.type == .chatDelta {
                Terminal.output(Self.deltaText(artifact))
                midLine.withLock { $0 = true }
                if let correlation = artifact.correlationID { streamed.withLock { _ = $0.insert(correlation) } }
            } else if artifact.type == .chatMessage, let correlation = artifact.correlationID,
                streamed.withLock({ $0.remove(correlation) }) != nil
            {
                // The message repeats what its deltas already showed: only end the line.
                let wasMidLine = midLine.withLock { state in
                    defer { state = false }
                    return state
                }
                if wasMidLine { Terminal.output("\n") }
            } else {
                let wasMidLine = midLine.withLock { state in
                    defer { state = false }
                    return state
                }
                if artifact.type.isText {
                    Terminal.output((wasMidLine ? "\n" : "") + Self.displayText(artifact) + "\n")
                } else {
                    // The line break ends the text before; the bytes themselves get nothing added.
                    if wasMidLine { Terminal.output("\n") }
                    writeBinary(artifact)
                }
            }
        }
        if showsProgress {
            let count = progress.withLock { state in
                state.count += 1
                state.shown = true
                return state.count
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(count) output(s)".utf8))
        }
    }

    /// Ends a half-written line, clears the progress line, and says how many binary outputs
    /// were held back from the terminal and how to get them.
    func finish() {
        if midLine.withLock({ $0 }) { Terminal.output("\n") }
        if progress.withLock({ $0.shown }) { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let held = withheld.withLock { $0 }
        if held.count > 0 {
            Terminal.error(
                "note: \(held.count) binary output(s) (\(held.types.sorted().joined(separator: ", "))) not written: standard output "
                    + "is a terminal; redirect it (`> FILE`) to get the bytes, or use `--output json` (payloads in base64)")
        }
    }

    /// Writes a binary payload byte for byte, or counts it when standard output is a terminal.
    private func writeBinary(_ artifact: Artifact) {
        guard withholdsBinary else {
            Terminal.output(artifact.payload)
            return
        }
        withheld.withLock { state in
            state.count += 1
            state.types.insert(artifact.type.description)
        }
    }

    static func json(_ artifact: Artifact, output: String) -> JSONValue {
        var object: [String: JSONValue] = [
            "output": .string(output),
            "id": .string(artifact.id.rawValue),
            "type": .string(artifact.type.description),
            "metadata": .object(artifact.metadata.mapValues { .string($0) }),
            "createdAt": .string(artifact.createdAt.formatted(.iso8601)),
        ]
        if let origin = artifact.origin { object["origin"] = .string(origin) }
        if let correlation = artifact.correlationID { object["correlationID"] = .string(correlation) }
        if let json = try? JSONValue(parsing: artifact.payload), artifact.type.suffix == "json" || artifact.type.subtype == "json"
            || artifact.type.type == "chat" || artifact.type.type == "tool"
        {
            object["payload"] = json
        } else if artifact.type.isText, let text = String(data: artifact.payload, encoding: .utf8) {
            object["text"] = .string(text)
        } else {
            object["base64"] = .string(artifact.payload.base64EncodedString())
        }
        return .object(object)
    }

    /// A delta's text: the `text` member of a JSON delta, or the payload as text.
    private static func deltaText(_ artifact: Artifact) -> String {
        (try? ChatDelta(decoding: artifact))?.text ?? artifact.text
    }

    /// A chat message's content, or the payload as text.
    private static func displayText(_ artifact: Artifact) -> String {
        (try? ChatMessagePayload(decoding: artifact))?.content ?? artifact.text
    }
}
