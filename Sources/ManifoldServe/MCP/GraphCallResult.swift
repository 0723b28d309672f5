import Foundation
import MCP
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldMCPValues

/// How a graph's outputs for one call become an MCP tool result.
///
/// Each output artifact, in arrival order, becomes one content item:
/// - `chat/delta` pieces of one output are joined into one text (or left out when that output
///   then gives the whole `chat/message`, which says the same);
/// - `chat/message` → its text; any other text type (JSON included) → its text;
/// - `image/*` → image content, `audio/*` → audio content, other binary types → an embedded
///   resource holding the bytes;
/// - when the only output is a JSON object it is also the `structuredContent`.
///
/// Node failures, artifacts lost to `$dead-letter`, a time limit that passed and a graph that
/// stopped each add a line of text and make the result an error (`isError`), so a calling
/// model sees what went wrong instead of a silent partial answer.
enum GraphCallResult {
    static func toolResult(_ outcome: GraphCallOutcome, graph: String) -> CallTool.Result {
        var content: [Tool.Content] = []
        // Deltas of an output not yet written, by output, and where their item goes.
        var pendingDeltas: [String: (index: Int, text: String)] = [:]
        for (output, artifact) in outcome.outputs {
            if artifact.type == .chatDelta, let delta = try? ChatDelta(decoding: artifact) {
                if let pending = pendingDeltas[output] {
                    pendingDeltas[output] = (pending.index, pending.text + delta.text)
                } else {
                    pendingDeltas[output] = (content.count, delta.text)
                    content.append(.text(text: "", annotations: nil, _meta: nil))
                }
                continue
            }
            if artifact.type == .chatMessage, let message = try? ChatMessagePayload(decoding: artifact) {
                // The whole message repeats the streamed pieces: shown once, where they began.
                if let pending = pendingDeltas.removeValue(forKey: output) {
                    content[pending.index] = .text(text: message.content, annotations: nil, _meta: nil)
                } else {
                    content.append(.text(text: message.content, annotations: nil, _meta: nil))
                }
                continue
            }
            content.append(item(for: artifact, output: output, graph: graph))
        }
        for pending in pendingDeltas.values {
            content[pending.index] = .text(text: pending.text, annotations: nil, _meta: nil)
        }

        var problems = outcome.failures + outcome.losses
        switch outcome.ended {
        case .finished, .abandoned:
            break
        case .timedOut(let seconds):
            problems.append("the graph did not finish this call within \(Self.format(seconds)) s (the server's --call-timeout); the outputs above are what arrived until then")
        case .cancelled:
            problems.append("the call was cancelled")
        case .stopped:
            problems.append("the graph stopped before it finished this call")
        }
        if content.isEmpty && problems.isEmpty {
            content.append(.text(text: "The graph '\(graph)' finished this call with no output.", annotations: nil, _meta: nil))
        }
        for problem in problems { content.append(.text(text: problem, annotations: nil, _meta: nil)) }
        let structured: Value? =
            outcome.outputs.count == 1 && problems.isEmpty ? structuredContent(outcome.outputs[0].artifact) : nil
        return CallTool.Result(content: content, structuredContent: structured, isError: problems.isEmpty ? false : true)
    }

    /// One output that is not part of a chat: text, image, audio or bytes.
    private static func item(for artifact: Artifact, output: String, graph: String) -> Tool.Content {
        if artifact.type.isText, let text = String(data: artifact.payload, encoding: .utf8) {
            return .text(text: text, annotations: nil, _meta: nil)
        }
        let mimeType = artifact.type.description
        let base64 = artifact.payload.base64EncodedString()
        switch artifact.type.type {
        case "image": return .image(data: base64, mimeType: mimeType, annotations: nil, _meta: nil)
        case "audio": return .audio(data: base64, mimeType: mimeType, annotations: nil, _meta: nil)
        default:
            let uri = "manifold://\(graph)/outputs/\(output)/\(artifact.id.rawValue)"
            return .resource(resource: .binary(artifact.payload, uri: uri, mimeType: mimeType), annotations: nil, _meta: nil)
        }
    }

    /// A lone JSON object output, as the result's structured content.
    private static func structuredContent(_ artifact: Artifact) -> Value? {
        guard artifact.type.subtype == "json" || artifact.type.suffix == "json",
              let value = try? JSONValue(parsing: artifact.payload), case .object = value
        else { return nil }
        return MCPValues.mcp(value)
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.3g", seconds)
    }
}
