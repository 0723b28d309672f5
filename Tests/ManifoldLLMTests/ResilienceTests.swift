import Foundation
import Testing
@testable import ManifoldLLM

@Suite("Retries, errors, timeouts and cancellation")
struct ResilienceTests {
    private let hello = ChatRequest(messages: [.user("Hi")])

    private func provider(_ server: FakeLLMServer, maxRetries: Int = 2, readTimeoutSeconds: Double = 10) -> OpenAIChatProvider {
        OpenAIChatProvider(settings: testSettings(server, path: "/v1", maxRetries: maxRetries, readTimeoutSeconds: readTimeoutSeconds))
    }

    @Test func rateLimitHonoursRetryAfterThenSucceeds() async throws {
        let limited = FakeResponse.json(
            status: .tooManyRequests, #"{"error": {"message": "slow down", "type": "rate_limit"}}"#, headers: [("Retry-After", "1")])
        try await withServer([limited, .sse(Fixtures.openAIText)]) { server in
            let result = await collect(provider(server).stream(hello))
            #expect(result.error == nil)
            #expect(result.text == "Grüße, Welt 🌍!")
            let requests = server.requests
            #expect(requests.count == 2)
            if requests.count == 2 {
                // The backoff alone would have waited at most 0.02 s.
                let waited = requests[0].receivedAt.duration(to: requests[1].receivedAt)
                #expect(waited >= .milliseconds(950), "waited \(waited)")
                // Far above 1 s (a loaded 2-core machine stalls tasks for seconds), far below a misread unit.
                #expect(waited < .seconds(20), "waited \(waited)")
            }
        }
    }

    @Test func retryAfterBeyondTheLimitFailsAtOnce() async throws {
        let limited = FakeResponse.json(status: .tooManyRequests, #"{"error": {"message": "quota"}}"#, headers: [("Retry-After", "3600")])
        try await withServer([limited]) { server in
            let result = await collect(provider(server).stream(hello))
            #expect(result.providerError == .rateLimited(provider: "openai", attempts: 1, retryAfterSeconds: 3600, message: "quota"))
            #expect(server.requests.count == 1)
        }
    }

    @Test func serverErrorIsRetriedThenSucceeds() async throws {
        try await withServer([.json(status: .internalServerError, #"{"error": "boom"}"#), .sse(Fixtures.openAIText)]) { server in
            let result = await collect(provider(server).stream(hello))
            #expect(result.error == nil)
            #expect(result.finished?.reason == .stop)
            #expect(server.requests.count == 2)
            #expect(server.requests.map(\.json) == [server.requests[0].json, server.requests[0].json], "the same body is resent")
        }
    }

    @Test func serverErrorsExhaustTheRetries() async throws {
        let unavailable = FakeResponse.json(status: .serviceUnavailable, #"{"error": {"message": "overloaded"}}"#)
        try await withServer([unavailable, unavailable, unavailable]) { server in
            let result = await collect(provider(server, maxRetries: 1).stream(hello))
            #expect(result.providerError == .serverError(provider: "openai", status: 503, attempts: 2, message: "overloaded"))
            #expect(server.requests.count == 2)
        }
    }

    @Test func unauthorizedNamesTheVariableAndNeverTheKey() async throws {
        let secret = "sk-proj-Zq81xSECRETsecret77kW2"
        // Servers echo keys back; this one echoes it whole.
        let body = #"{"error": {"message": "Incorrect API key provided: \#(secret).", "type": "invalid_request_error", "code": "invalid_api_key"}}"#
        try await withServer([.json(status: .unauthorized, body)]) { server in
            let config = ProviderConfig(provider: .openai, baseURL: server.baseURL + "/v1", model: "gpt-test", apiKeyEnv: "TEST_LLM_KEY")
            let provider = try ProviderFactory.make(config, environment: ["TEST_LLM_KEY": secret])
            let result = await collect(provider.stream(hello))
            guard case .authenticationFailed(_, 401, "TEST_LLM_KEY", let message) = result.providerError else {
                Issue.record("expected authenticationFailed, got \(String(describing: result.error))")
                return
            }
            #expect(message.contains("Incorrect API key provided"))
            let error = try #require(result.error)
            for text in [String(describing: error), String(reflecting: error), message, "\(provider)"] {
                #expect(text.contains("TEST_LLM_KEY") || text == message)
                #expect(!text.contains(secret), "\(text)")
                #expect(!text.contains("SECRET"), "\(text)")
            }
            #expect(server.requests.first?.header("Authorization") == "Bearer \(secret)", "the key was sent")
            #expect(server.requests.count == 1, "401 is not retried")
        }
    }

    @Test func notFoundNamesTheModelAndThePath() async throws {
        let body = #"{"error": {"message": "The model `no-such-model` does not exist", "type": "invalid_request_error", "code": "model_not_found"}}"#
        try await withServer([.json(status: .notFound, body)]) { server in
            let result = await collect(provider(server).stream(ChatRequest(model: "no-such-model", messages: [.user("Hi")])))
            guard case .modelNotFound(_, "no-such-model", "/v1/chat/completions", _) = result.providerError else {
                Issue.record("expected modelNotFound, got \(String(describing: result.error))")
                return
            }
            let description = String(describing: try #require(result.error))
            #expect(description.contains("no-such-model") && description.contains("/v1/chat/completions"))
        }
    }

    @Test func badRequestCarriesTheProvidersMessage() async throws {
        let body = #"{"error": {"message": "'messages' must not be empty", "type": "invalid_request_error"}}"#
        try await withServer([.json(status: .badRequest, body)]) { server in
            let result = await collect(provider(server).stream(hello))
            #expect(result.providerError == .badRequest(provider: "openai", status: 400, message: "invalid_request_error: 'messages' must not be empty"))
        }
    }

    @Test func connectionDroppedBeforeAnyEventIsRetried() async throws {
        let dropped = FakeResponse(pieces: [], ending: .abort)
        try await withServer([dropped, .sse(Fixtures.openAIText)]) { server in
            let result = await collect(provider(server).stream(hello))
            #expect(result.error == nil)
            #expect(result.text == "Grüße, Welt 🌍!")
            #expect(server.requests.count == 2)
        }
    }

    @Test func connectionDroppedMidStreamIsReportedNotRetried() async throws {
        try await withServer([.sse(Fixtures.openAITruncated, ending: .abort), .sse(Fixtures.openAIText)]) { server in
            let result = await collect(provider(server).stream(hello))
            #expect(result.text == "Half an ans")
            guard case .streamTruncated(_, "data: [DONE]", let reason) = result.providerError else {
                Issue.record("expected streamTruncated, got \(String(describing: result.error))")
                return
            }
            #expect(reason?.contains("connection lost") == true)
            #expect(server.requests.count == 1, "a retry would repeat delivered text")
        }
    }

    @Test func silentServerHitsTheReadTimeout() async throws {
        try await withServer([.sse("", ending: .hang(seconds: 10))]) { server in
            // 1 s, not less: on a loaded machine the headers alone can take a few hundred ms.
            let result = await collect(provider(server, readTimeoutSeconds: 1).stream(hello))
            // Only the 1 s read timer gives timedOut: the server closing after 10 s would end the
            // stream as truncated. (No bound on the elapsed time: a loaded machine stretches it.)
            guard case .timedOut(_, _, 1) = result.providerError else {
                Issue.record("expected timedOut, got \(String(describing: result.error))")
                return
            }
        }
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        let server = try await FakeLLMServer.start()
        let settings = testSettings(server, path: "/v1", maxRetries: 1)
        await server.stop()
        let result = await collect(OpenAIChatProvider(settings: settings).stream(hello))
        guard case .connectionFailed(_, 2, _) = result.providerError else {
            Issue.record("expected connectionFailed after 2 attempts, got \(String(describing: result.error))")
            return
        }
    }

    @Test func stoppingIterationClosesTheConnection() async throws {
        let firstEvents = String(Fixtures.openAIText.prefix(upTo: Fixtures.openAIText.range(of: "Welt")!.lowerBound))
        try await withServer([.sse(firstEvents, ending: .hang(seconds: 20))]) { server in
            for try await event in provider(server).stream(hello) {
                if case .textDelta = event { break }
            }
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 5), "the server saw the connection close")
        }
    }

    @Test func cancellingTheConsumerTaskClosesTheConnection() async throws {
        let firstEvents = String(Fixtures.openAIText.prefix(upTo: Fixtures.openAIText.range(of: "Welt")!.lowerBound))
        try await withServer([.sse(firstEvents, ending: .hang(seconds: 20))]) { server in
            let provider = provider(server)
            let gotText = AsyncStream.makeStream(of: Void.self)
            let consumer = Task {
                var events = 0
                for try await event in provider.stream(hello) {
                    events += 1
                    if case .textDelta = event { gotText.continuation.yield() }
                }
                return events
            }
            for await _ in gotText.stream { break }
            consumer.cancel()
            #expect(await server.waitForClosedConnections(1, timeoutSeconds: 5), "the server saw the connection close")
            let outcome = await consumer.result
            if case .success(let count) = outcome { #expect(count >= 1) }
        }
    }

    @Test func retryAfterParsesSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.seconds("2", now: now) == 2)
        #expect(RetryAfter.seconds(" 1.5 ", now: now) == 1.5)
        #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Wednesday, 21-Oct-15 07:28:10 GMT", now: now) == 10)
        #expect(RetryAfter.seconds("Wed Oct 21 07:28:05 2015", now: now) == 5)
        #expect(RetryAfter.seconds("Tue, 20 Oct 2015 07:28:00 GMT", now: now) == 0, "a past date means now")
        #expect(RetryAfter.seconds("soon", now: now) == nil)
    }

    @Test func backoffGrowsWithJitterAndIsCapped() {
        let policy = RetryPolicy(maxRetries: 5, initialBackoffSeconds: 1, maxBackoffSeconds: 4)
        for _ in 0..<50 {
            #expect((0.5...1).contains(policy.delay(beforeRetry: 1, retryAfter: nil) ?? -1))
            #expect((1...2).contains(policy.delay(beforeRetry: 2, retryAfter: nil) ?? -1))
            #expect((2...4).contains(policy.delay(beforeRetry: 5, retryAfter: nil) ?? -1))
        }
        #expect(policy.delay(beforeRetry: 1, retryAfter: 7) == 7)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 61) == nil)
    }
}
