import Foundation
import MCP
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldMCPValues

/// The MCP server of a served graph: `tools/list` lists its inputs, `tools/call` feeds one and
/// answers with the graph's outputs for that call.
///
/// One is made per client connection (stdio has one; Streamable HTTP has one per session);
/// all of them call the same running graph.
public enum GraphMCPServer {
    /// A server for `graph`, not yet started.
    ///
    /// - Parameter log: hears one line per call that ends other than by finishing
    ///   (cancelled, timed out, stopped), for the operator's standard error.
    public static func make(for graph: ServedGraph, version: String, log: @escaping @Sendable (String) -> Void) async -> Server {
        let server = Server(
            name: "manifold-\(graph.name)", version: version,
            instructions: "Each tool feeds one input of the Manifold graph '\(graph.name)' and answers with what the graph outputs for it.",
            capabilities: Server.Capabilities(tools: .init(listChanged: false)))
        let tools = graph.tools.map { tool in
            Tool(name: tool.name, description: tool.description, inputSchema: MCPValues.mcp(tool.inputSchema))
        }
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: tools) }
        await server.withMethodHandler(CallTool.self) { [weak server] parameters in
            let arguments = parameters.arguments.map { JSONValue.object($0.mapValues(MCPValues.json)) }
            let progress = ProgressReporter(server: server, token: parameters._meta?.progressToken)
            let outcome: GraphCallOutcome
            do {
                outcome = try await graph.call(tool: parameters.name, arguments: arguments, onOutput: { _, artifact in progress.report(artifact) })
            } catch let error as GraphInputToolError {
                await progress.finish()
                // Arguments the tool cannot take are the caller's to fix: a tool error it can read.
                return CallTool.Result(content: [.text(text: error.description, annotations: nil, _meta: nil)], isError: true)
            }
            await progress.finish()
            switch outcome.ended {
            case .finished, .abandoned: break
            case .cancelled:
                log("serve: call of '\(parameters.name)' cancelled by the client after \(outcome.outputs.count) output(s)")
                // MCP answers no cancelled request; the SDK sends nothing for this error.
                throw CancellationError()
            case .timedOut(let seconds): log("serve: call of '\(parameters.name)' timed out after \(seconds) s with \(outcome.outputs.count) output(s)")
            case .stopped: log("serve: call of '\(parameters.name)' ended by the graph stopping")
            }
            return GraphCallResult.toolResult(outcome, graph: graph.name)
        }
        return server
    }
}

/// Sends a call's outputs as progress notifications, in arrival order, when the caller asked
/// for progress (`_meta.progressToken`).
private final class ProgressReporter: Sendable {
    private let continuation: AsyncStream<Artifact>.Continuation?
    private let sender: Task<Void, Never>?

    init(server: Server?, token: ProgressToken?) {
        guard let server, let token else {
            continuation = nil
            sender = nil
            return
        }
        let (stream, continuation) = AsyncStream<Artifact>.makeStream()
        self.continuation = continuation
        sender = Task {
            var count = 0.0
            for await artifact in stream {
                count += 1
                let message = Self.message(for: artifact)
                // A client gone away is told nothing more; the call still ends normally.
                try? await server.notify(ProgressNotification.message(.init(progressToken: token, progress: count, message: message)))
            }
        }
    }

    func report(_ artifact: Artifact) {
        continuation?.yield(artifact)
    }

    /// Waits until every notification so far is sent, so none follows the result.
    func finish() async {
        continuation?.finish()
        await sender?.value
    }

    /// A streamed piece's text, a text output's text (the first 1 000 characters), or the
    /// type and size of anything else.
    private static func message(for artifact: Artifact) -> String {
        if artifact.type == .chatDelta, let delta = try? ChatDelta(decoding: artifact) { return delta.text }
        if artifact.type == .chatMessage, let message = try? ChatMessagePayload(decoding: artifact) { return String(message.content.prefix(1000)) }
        if artifact.type.isText, let text = String(data: artifact.payload, encoding: .utf8) { return String(text.prefix(1000)) }
        return "\(artifact.type) (\(artifact.payload.count) bytes)"
    }
}
