import Foundation
import ManifoldPluginTestSupport
import Manifold
import ManifoldAgentKit
import ManifoldLLM
import Synchronization

/// A scripted provider configuration.
func scripted(_ turns: [ScriptedTurn], chunkDelayMilliseconds: Int? = nil) -> ProviderConfig {
    ProviderConfig(provider: .scripted, script: turns, chunkDelayMilliseconds: chunkDelayMilliseconds)
}

/// A provider that records every request and answers from another provider.
final class RecordingProvider: ChatProvider {
    let inner: any ChatProvider
    private let recorded = Mutex<[ChatRequest]>([])

    init(_ inner: any ChatProvider) {
        self.inner = inner
    }

    var name: String { inner.name }

    /// The requests so far.
    var requests: [ChatRequest] { recorded.withLock { $0 } }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        recorded.withLock { $0.append(request) }
        return inner.stream(request)
    }
}

/// A provider that answers "<message count>: <last user message>", so a reply shows which
/// history it was given.
struct EchoProvider: ChatProvider {
    var name: String { "echo" }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let last = request.messages.last { $0.role == .user }?.content ?? ""
        let text = "\(request.messages.count): \(last)"
        return AsyncThrowingStream { continuation in
            continuation.yield(.textDelta(text))
            continuation.yield(.usage(Usage(inputTokens: request.messages.count, outputTokens: 1)))
            continuation.yield(.finished(.stop, .assistant(text)))
            continuation.finish()
        }
    }
}

/// A `tool/result` artifact for the agent.
func toolResult(id: String, name: String, content: String, isError: Bool = false, conversation: String) -> Artifact {
    let payload: JSONValue = ["id": .string(id), "name": .string(name), "content": .string(content), "isError": .bool(isError)]
    return Artifact(type: .toolResult, payload: payload.serialized(), correlationID: conversation)
}

/// A user turn for the agent.
func userTurn(_ text: String, conversation: String) -> Artifact {
    .text(text, correlationID: conversation)
}

extension AgentPlugin {
    /// Processes `input`, recording outputs in `recorder`; returns what this input emitted.
    @discardableResult
    func feed(_ input: Artifact, into recorder: Recorder) async throws -> [Artifact] {
        let before = recorder.all.count
        try await process(input, context: recorder.context(for: input, node: "agent"))
        return Array(recorder.all.dropFirst(before))
    }
}
