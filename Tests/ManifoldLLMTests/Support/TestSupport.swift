import Foundation
@testable import ManifoldLLM

/// What a stream produced: every event until it ended, and the error it ended with.
struct StreamResult {
    var events: [ChatStreamEvent] = []
    var error: (any Error)?

    /// The text deltas joined.
    var text: String {
        events.reduce(into: "") { text, event in
            if case .textDelta(let delta) = event { text += delta }
        }
    }

    /// The number of text deltas.
    var textDeltaCount: Int {
        events.filter { if case .textDelta = $0 { return true } else { return false } }.count
    }

    /// The complete tool calls, in order.
    var toolCalls: [ToolCall] {
        events.compactMap { if case .toolCall(let call) = $0 { return call } else { return nil } }
    }

    /// The reported usage.
    var usage: Usage? {
        events.lazy.compactMap { if case .usage(let usage) = $0 { return usage } else { return nil } }.first
    }

    /// The finish reason and assistant message, if the stream finished.
    var finished: (reason: FinishReason, message: ChatMessage)? {
        guard case .finished(let reason, let message) = events.last else { return nil }
        return (reason, message)
    }

    /// The error as a `ProviderError`.
    var providerError: ProviderError? { error as? ProviderError }
}

/// Runs a stream to its end.
func collect(_ stream: AsyncThrowingStream<ChatStreamEvent, any Error>) async -> StreamResult {
    var result = StreamResult()
    do {
        for try await event in stream { result.events.append(event) }
    } catch {
        result.error = error
    }
    return result
}

/// Settings for a fake server: fast retries so tests stay quick, short timeouts.
func testSettings(
    _ server: FakeLLMServer,
    path: String = "",
    model: String? = "test-model",
    apiKey: String? = nil,
    maxRetries: Int = 2,
    readTimeoutSeconds: Double = 10
) -> HTTPProviderSettings {
    HTTPProviderSettings(
        baseURL: server.baseURL + path,
        apiKey: apiKey.map(APIKey.init),
        apiKeyEnvironmentVariable: apiKey == nil ? nil : "TEST_LLM_KEY",
        defaultModel: model,
        connectTimeoutSeconds: 2,
        readTimeoutSeconds: readTimeoutSeconds,
        retry: RetryPolicy(maxRetries: maxRetries, initialBackoffSeconds: 0.02, maxBackoffSeconds: 0.1)
    )
}

/// Feeds `text` to a decoder in pieces of `size` bytes and returns all events (the decoder's
/// `finish` included, as the HTTP layer calls it when the body ends).
func decode<D: ChatStreamDecoder>(_ decoder: D, _ text: String, pieceSize: Int) throws -> [ChatStreamEvent] {
    var decoder = decoder
    let bytes = Array(text.utf8)
    var events: [ChatStreamEvent] = []
    for start in stride(from: 0, to: bytes.count, by: pieceSize) where !decoder.isComplete {
        try decoder.consume(bytes[start..<min(start + pieceSize, bytes.count)]) { events.append($0) }
    }
    if !decoder.isComplete { try decoder.finish { events.append($0) } }
    return events
}

/// A conversation at its second model turn: the model called a tool, and its result is in.
enum SecondTurn {
    static let call = ToolCall(id: "call_1", name: "get_weather", argumentsText: #"{"city":"Paris"}"#)

    static let messages: [ChatMessage] = [
        .system("You are terse."),
        .user("Weather in Paris?"),
        .assistant("Checking.", toolCalls: [call]),
        .tool(callID: "call_1", content: "18°C, sunny"),
    ]

    static let tool = ToolDefinition(
        name: "get_weather",
        description: "Current weather for a city.",
        parameters: [
            "type": "object",
            "properties": ["city": ["type": "string"]],
            "required": ["city"],
        ]
    )

    static let request = ChatRequest(
        messages: messages, tools: [tool], temperature: 0.5, maxTokens: 256, stopSequences: ["END"])
}

/// Runs `body` with a fake server playing `responses`, and stops the server afterwards
/// whether `body` threw or not.
func withServer<Result>(
    _ responses: [FakeResponse],
    _ body: (FakeLLMServer) async throws -> Result
) async throws -> Result {
    let server = try await FakeLLMServer.start(responses)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
