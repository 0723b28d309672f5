/// The assistant message being streamed: text so far, tool calls, usage and finish reason,
/// shared by every decoder so that the closing events are built the same way.
///
/// It also keeps the request's token limit on the client: a server that ignores `max_tokens`
/// (or never stops) must not stream forever. Each text delta and each piece of tool-call
/// arguments counts as one token: servers send at most one piece per generated token, so a
/// server that honours the limit is never cut, and one that does not is cut right after it.
struct AnswerBuilder: Sendable {
    /// The provider's name for errors.
    let provider: String
    var text = ""
    var tools: ToolCallAssembler
    var usage: Usage?
    var finishReason: FinishReason?
    /// Whether the model declined: OpenAI's `refusal` content arrived. The answer then ends
    /// with `FinishReason.refusal` whatever finish reason the server gives (it says `stop`).
    private(set) var refused = false
    private let maxOutputTokens: Int?
    private var outputTokens = 0
    /// Whether a piece arrived beyond the token limit; the decoder then ends the answer with
    /// `finishAtOutputLimit()` and reads no further.
    private(set) var reachedOutputLimit = false

    init(_ settings: DecoderSettings) {
        provider = settings.provider
        tools = ToolCallAssembler(secrets: settings.secrets)
        maxOutputTokens = settings.maxOutputTokens
    }

    /// Records and returns a text delta (none for empty text: some servers send `""`; none
    /// past the token limit).
    mutating func text(_ delta: String) -> [ChatStreamEvent] {
        textEvent(delta).map { [$0] } ?? []
    }

    /// `text(_:)` without the array, for the per-token path of the decoders.
    mutating func textEvent(_ delta: String) -> ChatStreamEvent? {
        guard !delta.isEmpty, admitOutputToken() else { return nil }
        text += delta
        return .textDelta(delta)
    }

    /// Records a piece of a refusal: it is the answer's text (what the model says instead of
    /// answering), and it makes the finish reason `refusal`.
    mutating func refusal(_ delta: String) -> [ChatStreamEvent] {
        guard !delta.isEmpty else { return [] }
        refused = true
        return text(delta)
    }

    /// Passes a tool-call fragment to `tools` (see `ToolCallAssembler.apply`); argument text
    /// counts against the token limit.
    mutating func toolFragment(
        key: Int?, id: String?, name: String?, arguments: String?, startsNewCall: Bool = false
    ) -> [ChatStreamEvent] {
        if let arguments, !arguments.isEmpty, !admitOutputToken() { return [] }
        return tools.apply(key: key, id: id, name: name, arguments: arguments, startsNewCall: startsNewCall)
    }

    /// The closing events: open tool calls, usage, then `finished` with the whole message.
    ///
    /// A `stop` reason with tool calls becomes `toolCalls`: some servers (older Ollama and
    /// llama.cpp builds) report `stop` there, and the agent loop decides on the reason. A
    /// refusal stays a refusal.
    mutating func finish() throws -> [ChatStreamEvent] {
        var events = try tools.completeAll(provider: provider)
        let calls = tools.toolCalls
        var reason = finishReason ?? (calls.isEmpty ? .stop : .toolCalls)
        if reason == .stop, !calls.isEmpty { reason = .toolCalls }
        if refused, reason == .stop { reason = .refusal }
        if let usage { events.append(.usage(usage)) }
        events.append(.finished(reason, .assistant(text, toolCalls: calls)))
        return events
    }

    /// The closing events of an answer cut at the token limit: usage when the server reported
    /// some, then `finished(.length, …)` with the text so far and the tool calls that were
    /// complete (one cut midway has arguments that are not JSON, so it is left out).
    func finishAtOutputLimit() -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        if let usage { events.append(.usage(usage)) }
        events.append(.finished(.length, .assistant(text, toolCalls: tools.toolCalls)))
        return events
    }

    private mutating func admitOutputToken() -> Bool {
        guard let maxOutputTokens else { return true }
        guard !reachedOutputLimit, outputTokens < maxOutputTokens else {
            reachedOutputLimit = true
            return false
        }
        outputTokens += 1
        return true
    }
}
