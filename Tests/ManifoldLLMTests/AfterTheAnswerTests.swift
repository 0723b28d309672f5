import Foundation
import Testing
@testable import ManifoldLLM

/// Bytes that arrive after the end of an answer, in the same read as its end, are not read as
/// events: a line or event too large among them does not turn the finished answer into an
/// error. (Found by the `*-stream` fuzz targets: the answer was delivered with `finished`, then
/// failed with `eventTooLarge`, and only when the read happened to hold both.)
@Suite("Bytes after the end of an answer")
struct AfterTheAnswerTests {
    /// An event (or NDJSON line) that never ends and is over 1 KiB, the limit used here.
    private func oversized(_ wire: HostileWire) -> String {
        String(repeating: wire.endlessEventPiece, count: 64)
    }

    private func decoder(_ wire: HostileWire, maxOutputTokens: Int? = nil) -> any ChatStreamDecoder {
        var settings = DecoderSettings(provider: wire.rawValue)
        settings.maxEventBytes = 1024
        settings.maxOutputTokens = maxOutputTokens
        switch wire {
        case .openai: return OpenAIStreamDecoder(settings)
        case .anthropic: return AnthropicStreamDecoder(settings)
        case .ollama: return OllamaStreamDecoder(settings)
        }
    }

    private func completeAnswer(_ wire: HostileWire) -> (body: String, text: String) {
        switch wire {
        case .openai: return (Fixtures.openAIText, "Grüße, Welt 🌍!")
        case .anthropic: return (Fixtures.anthropicText, "Bonjour")
        case .ollama: return (Fixtures.ollamaText, "Héllo wörld ✓")
        }
    }

    @Test("an oversized event after the end marker, in the same read, leaves the answer finished", arguments: HostileWire.allCases)
    func oversizedEventAfterTheEndMarker(wire: HostileWire) throws {
        let (body, text) = completeAnswer(wire)
        let events = try decode(decoder(wire), body + oversized(wire), pieceSize: .max)
        guard case .finished(.stop, let message) = events.last else {
            Issue.record("the answer does not end with finished(.stop, …): \(events)")
            return
        }
        #expect(message.content == text)
    }

    @Test("the same event still fails the answer before its end marker", arguments: HostileWire.allCases)
    func oversizedEventBeforeTheEndMarker(wire: HostileWire) {
        let (body, _) = completeAnswer(wire)
        #expect(throws: ProviderError.eventTooLarge(provider: wire.rawValue, limit: 1024)) {
            try decode(decoder(wire), oversized(wire) + "\n\n" + body, pieceSize: .max)
        }
    }

    @Test("an oversized event after the token limit ended the answer, in the same read, leaves it ended", arguments: HostileWire.allCases)
    func oversizedEventAfterTheTokenLimit(wire: HostileWire) throws {
        let body = wire.opening + String(repeating: wire.token, count: 3) + oversized(wire)
        let events = try decode(decoder(wire, maxOutputTokens: 2), body, pieceSize: .max)
        #expect(events.last == .finished(.length, .assistant("tok tok ")))
    }
}
