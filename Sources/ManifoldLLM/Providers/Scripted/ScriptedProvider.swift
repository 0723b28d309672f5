/// An offline provider that plays back a fixed script, for examples, demos and tests.
///
/// It never talks to a model and is never chosen implicitly: only `"provider": "scripted"`
/// selects it. The turn played is the number of assistant messages already in the request,
/// so a tool loop advances through the script naturally; asking past the end throws
/// `ProviderError.scriptExhausted`.
public struct ScriptedProvider: ChatProvider, CustomStringConvertible {
    /// The turns, in order.
    public let script: [ScriptedTurn]
    /// A pause before each streamed piece, to make demos look like a model typing.
    public let chunkDelayMilliseconds: Int

    /// Always `"scripted"`.
    public var name: String { "scripted" }

    /// Creates a provider for `script`.
    public init(script: [ScriptedTurn], chunkDelayMilliseconds: Int = 0) {
        self.script = script
        self.chunkDelayMilliseconds = max(0, chunkDelayMilliseconds)
    }

    /// A summary.
    public var description: String { "ScriptedProvider(\(script.count) turns)" }

    /// Streams the scripted turn that follows the request's assistant messages.
    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        EventStream.make { [script, chunkDelayMilliseconds] continuation in
            let turnIndex = request.messages.filter { $0.role == .assistant }.count
            guard turnIndex < script.count else {
                throw ProviderError.scriptExhausted(turn: turnIndex, scriptLength: script.count)
            }
            let turn = script[turnIndex]
            for event in Self.events(for: turn, turnIndex: turnIndex, request: request) {
                if chunkDelayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(chunkDelayMilliseconds)) }
                try Task.checkCancellation()
                continuation.yield(event)
            }
        }
    }

    /// The events of one turn, shaped like a real provider's: text in word-sized deltas, each
    /// call started, its arguments in small fragments, then complete; usage; finished.
    static func events(for turn: ScriptedTurn, turnIndex: Int, request: ChatRequest) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        let text = turn.text ?? ""
        events += words(of: text).map(ChatStreamEvent.textDelta)

        var calls: [ToolCall] = []
        for (index, scripted) in (turn.toolCalls ?? []).enumerated() {
            let call = ToolCall(id: scripted.id ?? "call_\(turnIndex)_\(index)", name: scripted.name, arguments: scripted.arguments)
            events.append(.toolCallStarted(index: index, id: call.id, name: call.name))
            events += pieces(of: call.argumentsText, size: 8).map { .toolCallArgumentsDelta(index: index, fragment: $0) }
            events.append(.toolCall(call))
            calls.append(call)
        }

        let promptWords = request.messages.reduce(0) { $0 + words(of: $1.content).count }
        let answerWords = words(of: text).count + calls.reduce(0) { $0 + words(of: $1.argumentsText).count }
        events.append(.usage(turn.usage ?? Usage(inputTokens: promptWords, outputTokens: answerWords)))
        events.append(.finished(calls.isEmpty ? .stop : .toolCalls, .assistant(text, toolCalls: calls)))
        return events
    }

    /// Splits text into words that keep their following whitespace, so the pieces join back
    /// to exactly the original text.
    static func words(of text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inSpace = false
        for character in text {
            if character.isWhitespace {
                inSpace = true
            } else if inSpace {
                result.append(current)
                current = ""
                inSpace = false
            }
            current.append(character)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private static func pieces(of text: String, size: Int) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            result.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return result
    }
}
