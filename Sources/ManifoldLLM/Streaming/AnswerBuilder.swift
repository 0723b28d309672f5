/// The assistant message being streamed: text so far, tool calls, usage and finish reason,
/// shared by every decoder so that the closing events are built the same way.
struct AnswerBuilder: Sendable {
    /// The provider's name for errors.
    let provider: String
    var text = ""
    var tools = ToolCallAssembler()
    var usage: Usage?
    var finishReason: FinishReason?

    init(provider: String) {
        self.provider = provider
    }

    /// Records and returns a text delta (none for empty text: some servers send `""`).
    mutating func text(_ delta: String) -> [ChatStreamEvent] {
        guard !delta.isEmpty else { return [] }
        text += delta
        return [.textDelta(delta)]
    }

    /// The closing events: open tool calls, usage, then `finished` with the whole message.
    ///
    /// A `stop` reason with tool calls becomes `toolCalls`: some servers (older Ollama and
    /// llama.cpp builds) report `stop` there, and the agent loop decides on the reason.
    mutating func finish() throws -> [ChatStreamEvent] {
        var events = try tools.completeAll(provider: provider)
        let calls = tools.toolCalls
        var reason = finishReason ?? (calls.isEmpty ? .stop : .toolCalls)
        if reason == .stop, !calls.isEmpty { reason = .toolCalls }
        if let usage { events.append(.usage(usage)) }
        events.append(.finished(reason, .assistant(text, toolCalls: calls)))
        return events
    }
}
