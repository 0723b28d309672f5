import Foundation
import Testing
@testable import ManifoldLLM

/// Text deltas that arrive in one network read go on as one delta; their text and order,
/// and every other event, are kept.
@Suite("Text deltas of one read are joined")
struct DeltaCoalescingTests {
    @Test func textIsJoinedAndOtherEventsKeepTheirPlace() {
        var coalescer = DeltaCoalescer()
        var delivered: [ChatStreamEvent] = []
        let usage = Usage(inputTokens: 1, outputTokens: 2)
        for event: ChatStreamEvent in [.textDelta("a"), .textDelta("b"), .usage(usage), .textDelta("c"), .textDelta(""), .textDelta("d")] {
            coalescer.add(event) { delivered.append($0) }
        }
        #expect(delivered == [.textDelta("ab"), .usage(usage)], "text is held until another event or the end of the read")
        coalescer.flush { delivered.append($0) }
        coalescer.flush { delivered.append($0) }
        #expect(delivered == [.textDelta("ab"), .usage(usage), .textDelta("cd")], "a second flush adds nothing")
    }

    @Test func aWholeAnswerInOneReadIsOneDelta() async throws {
        try await withServer([.sse(Fixtures.openAIText)]) { server in
            let provider = OpenAIChatProvider(settings: testSettings(server, path: "/v1", maxRetries: 0))
            let result = await collect(provider.stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.error == nil)
            #expect(result.text == "Grüße, Welt 🌍!")
            #expect(result.textDeltaCount == 1, "two deltas that arrived in one write stayed apart")
        }
    }

    @Test func deltasThatArriveApartStayApart() async throws {
        // One write per line, 50 ms apart: each delta is its own read, and must not wait for the next.
        try await withServer([.sse(Fixtures.openAIText, chunking: .lines, delayMilliseconds: 50)]) { server in
            let provider = OpenAIChatProvider(settings: testSettings(server, path: "/v1", maxRetries: 0))
            let result = await collect(provider.stream(ChatRequest(messages: [.user("Hi")])))
            #expect(result.error == nil)
            #expect(result.text == "Grüße, Welt 🌍!")
            #expect(result.textDeltaCount == 2)
        }
    }
}
