import Foundation
@testable import ManifoldLLM

/// The three wire formats, each with the pieces a hostile server repeats: the opening of an
/// answer, one token of text, a keep-alive, and an in-stream error event.
enum HostileWire: String, CaseIterable, Sendable, CustomStringConvertible {
    case openai, anthropic, ollama

    var description: String { rawValue }

    /// A provider of this wire talking to `server`, with `configure` applied to its settings.
    func provider(
        _ server: FakeLLMServer, apiKey: String? = nil, configure: (inout HTTPProviderSettings) -> Void = { _ in }
    ) -> any ChatProvider {
        var settings = testSettings(server, path: self == .ollama ? "" : "/v1", apiKey: apiKey, maxRetries: 0)
        configure(&settings)
        switch self {
        case .openai: return OpenAIChatProvider(settings: settings)
        case .anthropic: return AnthropicProvider(settings: settings)
        case .ollama: return OllamaProvider(settings: settings)
        }
    }

    /// What comes before the first token.
    var opening: String {
        switch self {
        case .openai, .ollama:
            return ""
        case .anthropic:
            return """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_h","type":"message","role":"assistant","content":[],"model":"m","usage":{"input_tokens":3,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}


                """
        }
    }

    /// One text delta, `"tok "`.
    var token: String {
        switch self {
        case .openai:
            return #"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}"# + "\n\n"
        case .anthropic:
            return "event: content_block_delta\n"
                + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tok "}}"# + "\n\n"
        case .ollama:
            return #"{"model":"m","message":{"role":"assistant","content":"tok "},"done":false}"# + "\n"
        }
    }

    /// Something that keeps the connection busy without adding to the answer.
    var keepAlive: String {
        switch self {
        case .openai: return ": keep-alive\n\n"
        case .anthropic: return "event: ping\ndata: {\"type\": \"ping\"}\n\n"
        case .ollama: return "\n"
        }
    }

    /// A piece that grows one event (or NDJSON line) without ever ending it.
    var endlessEventPiece: String {
        switch self {
        case .openai, .anthropic: return "data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
        case .ollama: return "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        }
    }

    /// The provider's own error event after HTTP 200, carrying `message`.
    func errorEvent(_ message: String) -> String {
        let text = JSONValue.string(message).jsonText
        switch self {
        case .openai:
            return #"data: {"error":{"type":"server_error","message":"# + text + "}}\n\n"
        case .anthropic:
            return "event: error\n" + #"data: {"type":"error","error":{"type":"api_error","message":"# + text + "}}\n\n"
        case .ollama:
            return #"{"error":"# + text + "}\n"
        }
    }

    /// A streaming response of this wire's content type.
    func response(_ body: String, chunking: FakeResponse.Chunking = .whole, delayMilliseconds: Int = 0, ending: FakeResponse.Ending = .complete)
        -> FakeResponse
    {
        switch self {
        case .openai, .anthropic: return .sse(body, chunking: chunking, delayMilliseconds: delayMilliseconds, ending: ending)
        case .ollama: return .ndjson(body, chunking: chunking, delayMilliseconds: delayMilliseconds, ending: ending)
        }
    }

    /// The header that carries the key.
    func authorizationHeader(_ key: String) -> String {
        self == .anthropic ? "x-api-key: \(key)" : "Authorization: Bearer \(key)"
    }
}
