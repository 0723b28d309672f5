import Foundation
import Testing
@testable import ManifoldLLM

/// A hostile or broken server cannot keep a model call open, grow its memory without bound,
/// or stream past the answer's token limit, whatever its wire format.
@Suite("Time and size limits of a model call")
struct StreamLimitsTests {
    private let hello = ChatRequest(messages: [.user("Hi")])

    @Test(arguments: HostileWire.allCases)
    func keepAlivesForeverEndAtTheRequestDeadline(wire: HostileWire) async throws {
        let response = wire.response(wire.opening, ending: .endless(wire.keepAlive, everyMilliseconds: 50))
        try await withServer([response]) { server in
            let provider = wire.provider(server) { $0.requestTimeoutSeconds = 1 }
            let result = await collect(provider.stream(hello))
            #expect(result.providerError == .requestTimedOut(provider: wire.rawValue, seconds: 1))
            let description = String(describing: try #require(result.error))
            #expect(description.contains("within 1 s") && description.contains("\"requestTimeoutSeconds\""), "\(description)")
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 10), "the server saw the connection close")
        }
    }

    @Test(arguments: HostileWire.allCases)
    func oneByteAtATimeEndsAtTheRequestDeadline(wire: HostileWire) async throws {
        // Never silent for as long as the read timeout, never done either.
        let body = wire.opening + String(repeating: wire.token, count: 100)
        let response = wire.response(body, chunking: .byteByByte, delayMilliseconds: 100)
        try await withServer([response]) { server in
            let provider = wire.provider(server) {
                $0.requestTimeoutSeconds = 1
                $0.readTimeoutSeconds = 5
            }
            let result = await collect(provider.stream(hello))
            #expect(result.providerError == .requestTimedOut(provider: wire.rawValue, seconds: 1))
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 10))
        }
    }

    @Test(arguments: HostileWire.allCases)
    func endlessTokensStopAtMaxTokensWithFinishReasonLength(wire: HostileWire) async throws {
        let response = wire.response(wire.opening, ending: .endless(wire.token, everyMilliseconds: 1))
        try await withServer([response]) { server in
            let result = await collect(wire.provider(server).stream(ChatRequest(messages: [.user("Hi")], maxTokens: 5)))
            #expect(result.error == nil, "the limit ends the answer, it is no failure: \(String(describing: result.error))")
            #expect(result.textDeltaCount == 5)
            #expect(result.finished?.reason == .length)
            #expect(result.finished?.message == .assistant(String(repeating: "tok ", count: 5)))
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 10), "the rest of the stream is not read")
        }
    }

    @Test(arguments: HostileWire.allCases)
    func anAnswerThatEndsWithinMaxTokensIsNotCut(wire: HostileWire) async throws {
        let closing: String
        switch wire {
        case .openai:
            closing = #"data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"# + "\n\ndata: [DONE]\n\n"
        case .anthropic:
            closing = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
        case .ollama:
            closing = #"{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":3}"# + "\n"
        }
        let body = wire.opening + String(repeating: wire.token, count: 3) + closing
        try await withServer([wire.response(body)]) { server in
            let result = await collect(wire.provider(server).stream(ChatRequest(messages: [.user("Hi")], maxTokens: 3)))
            #expect(result.error == nil)
            #expect(result.finished?.reason == .stop, "exactly maxTokens pieces is within the limit")
            #expect(result.text == "tok tok tok ")
        }
    }

    @Test(arguments: HostileWire.allCases)
    func anEndlessAnswerEndsAtMaxResponseBytes(wire: HostileWire) async throws {
        let response = wire.response(wire.opening, ending: .endless(String(repeating: wire.token, count: 20), everyMilliseconds: 1))
        try await withServer([response]) { server in
            let provider = wire.provider(server) { $0.maxResponseBytes = 64 * 1024 }
            let result = await collect(provider.stream(hello))
            #expect(result.providerError == .responseTooLarge(provider: wire.rawValue, limit: 64 * 1024))
            let description = String(describing: try #require(result.error))
            #expect(description.contains("64 KiB") && description.contains("\"maxResponseBytes\""), "\(description)")
            #expect(result.textDeltaCount > 0, "what came before the limit was delivered")
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 10))
        }
    }

    @Test(arguments: HostileWire.allCases)
    func anEventThatNeverEndsFailsAtMaxEventBytes(wire: HostileWire) async throws {
        let response = wire.response(wire.opening, ending: .endless(wire.endlessEventPiece, everyMilliseconds: 1))
        try await withServer([response]) { server in
            let provider = wire.provider(server) { $0.maxEventBytes = 4096 }
            let result = await collect(provider.stream(hello))
            #expect(result.providerError == .eventTooLarge(provider: wire.rawValue, limit: 4096))
            let description = String(describing: try #require(result.error))
            #expect(description.contains("4 KiB") && description.contains("\"maxEventBytes\""), "\(description)")
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 10))
        }
    }

    @Test func theEndMarkerIsFollowedByNoEndlessDrain() async throws {
        // After [DONE] the body is only drained to reuse the connection; a server that keeps
        // sending is cut off instead of being read until the deadline.
        let response = FakeResponse.sse(Fixtures.openAIText, ending: .endless(": " + String(repeating: "m", count: 1024) + "\n\n", everyMilliseconds: 1))
        try await withServer([response]) { server in
            let provider = HostileWire.openai.provider(server) { $0.requestTimeoutSeconds = 60 }
            let result = await collect(provider.stream(hello))
            #expect(result.error == nil)
            #expect(result.finished?.reason == .stop)
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 10))
        }
    }

    @Test func limitsAreCheckedAndNamedInTheConfiguration() throws {
        func message(_ json: String) -> String {
            do {
                _ = try ProviderFactory.make(json: Data(json.utf8), environment: [:])
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        #expect(message(#"{"provider": "ollama", "requestTimeoutSeconds": 0}"#).contains("\"requestTimeoutSeconds\" must be positive"))
        #expect(message(#"{"provider": "ollama", "maxResponseBytes": 10}"#).contains("\"maxResponseBytes\" must be at least 1024"))
        #expect(message(#"{"provider": "ollama", "maxEventBytes": 10}"#).contains("\"maxEventBytes\" must be at least 1024"))
        #expect(message(#"{"provider": "ollama", "maxEventBytes": 4096, "maxResponseBytes": 2048}"#)
            .contains("\"maxEventBytes\" (4096) must not exceed \"maxResponseBytes\" (2048)"))

        let provider = try ProviderFactory.make(
            json: Data(#"{"provider": "ollama", "requestTimeoutSeconds": 30, "maxResponseBytes": 2048, "maxEventBytes": 1024}"#.utf8),
            environment: [:])
        let settings = try #require(provider as? OllamaProvider).settings
        #expect(settings.requestTimeoutSeconds == 30)
        #expect(settings.maxResponseBytes == 2048)
        #expect(settings.maxEventBytes == 1024)

        let defaults = try #require(try ProviderFactory.make(json: Data(#"{"provider": "ollama"}"#.utf8), environment: [:]) as? OllamaProvider)
        #expect(defaults.settings.requestTimeoutSeconds == HTTPProviderSettings.defaultRequestTimeoutSeconds)
        #expect(defaults.settings.maxResponseBytes == 16 << 20)
        #expect(defaults.settings.maxEventBytes == 1 << 20)
    }
}
