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
    /// Everything printing changes, under one lock: outputs of different graph outputs are
    /// printed from different tasks, and each must go out whole.
    private let state: Mutex<State>
    /// Whether binary outputs are held back because standard output is a terminal.
    private let withholdsBinary: Bool
    private let showsProgress: Bool
    /// How often the progress line on standard error is redrawn at most.
    static let progressInterval = Duration.milliseconds(100)

    private struct State: ~Copyable {
        var output: StandardOutputBuffer
        /// Whether a delta left the line unfinished.
        var midLine = false
        /// Correlation ids whose answer was already shown delta by delta.
        var streamed = Set<String>()
        /// Binary outputs held back, and their types.
        var withheld = (count: 0, types: Set<String>())
        var printed = 0
        var progressShownAt: ContinuousClock.Instant?
    }

    init(format: RunCommand.OutputFormat) {
        self.format = format
        self.withholdsBinary = Terminal.stdoutIsTerminal
        self.state = Mutex(State(output: StandardOutputBuffer(writesThrough: Terminal.stdoutIsTerminal)))
        // Progress goes to stderr only when stdout is redirected, so the two never interleave.
        self.showsProgress = Terminal.stderrIsTerminal && isatty(1) == 0
    }

    /// Prints one output (into the buffer: `flush()` writes it).
    func print(_ artifact: Artifact, output: String) {
        state.withLock { state in
            switch format {
            case .json:
                state.output.append(Self.json(artifact, output: output).jsonText)
                state.output.append(byte: 0x0A)
            case .text:
                printText(artifact, into: &state)
            }
            if showsProgress { showProgress(&state) }
        }
    }

    /// Writes what was printed so far: called when a batch of outputs has been printed and the
    /// graph's outputs go quiet.
    func flush() {
        state.withLock { $0.output.flush() }
    }

    /// Writes what was printed so far unless a print or write is under way right now (which
    /// may be stuck on a full pipe): for the last moment before the process is ended.
    func flushIfFree() {
        _ = state.withLockIfAvailable { $0.output.flush() }
    }

    private func printText(_ artifact: Artifact, into state: inout State) {
        if artifact.type == .chatDelta {
            state.output.append(Self.deltaText(artifact))
            state.midLine = true
            if let correlation = artifact.correlationID { state.streamed.insert(correlation) }
            return
        }
        let wasMidLine = state.midLine
        state.midLine = false
        if artifact.type == .chatMessage, let correlation = artifact.correlationID, state.streamed.remove(correlation) != nil {
            // The message repeats what its deltas already showed: only end the line.
            if wasMidLine { state.output.append(byte: 0x0A) }
        } else if artifact.type.isText {
            if wasMidLine { state.output.append(byte: 0x0A) }
            if ArtifactType.chatMessage.accepts(artifact.type) {
                state.output.append(Self.displayText(artifact))
            } else {
                // Text outputs are printed as valid UTF-8, like `Artifact.text` reads them.
                state.output.append(artifact.text)
            }
            state.output.append(byte: 0x0A)
        } else {
            // The line break ends the text before; the bytes themselves get nothing added.
            if wasMidLine { state.output.append(byte: 0x0A) }
            writeBinary(artifact, into: &state)
        }
    }

    /// Redraws the count on standard error, at most every `progressInterval`.
    private func showProgress(_ state: inout State) {
        state.printed += 1
        let now = ContinuousClock.now
        if let shown = state.progressShownAt, now - shown < Self.progressInterval { return }
        state.progressShownAt = now
        FileHandle.standardError.write(Data("\r\u{1B}[K\(state.printed) output(s)".utf8))
    }

    /// Ends a half-written line, writes what is pending, clears the progress line, and says
    /// how many binary outputs were held back from the terminal and how to get them.
    func finish() {
        let (held, progressShown) = state.withLock { state in
            if state.midLine { state.output.append(byte: 0x0A) }
            state.midLine = false
            state.output.flush()
            return (state.withheld, state.progressShownAt != nil)
        }
        if progressShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if held.count > 0 {
            Terminal.error(
                "note: \(held.count) binary output(s) (\(held.types.sorted().joined(separator: ", "))) not written: standard output "
                    + "is a terminal; redirect it (`> FILE`) to get the bytes, or use `--output json` (payloads in base64)")
        }
    }

    /// Writes a binary payload byte for byte, or counts it when standard output is a terminal.
    private func writeBinary(_ artifact: Artifact, into state: inout State) {
        guard withholdsBinary else {
            state.output.append(artifact.payload)
            return
        }
        state.withheld.count += 1
        state.withheld.types.insert(artifact.type.description)
    }

    static func json(_ artifact: Artifact, output: String) -> JSONValue {
        var object = json(artifact)
        object["output"] = .string(output)
        return .object(object)
    }

    /// The artifact as `--output json` shows it: envelope fields, and the payload as JSON,
    /// text or base64 by its type.
    static func json(_ artifact: Artifact) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
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
        return object
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
