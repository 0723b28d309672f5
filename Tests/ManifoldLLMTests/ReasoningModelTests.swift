import Foundation
import Testing
@testable import ManifoldLLM

@Suite("reasoning models and extraBody")
struct ReasoningModelTests {
    private func make(_ json: String) throws -> any ChatProvider {
        try ProviderFactory.make(json: Data(json.utf8), environment: [:])
    }

    @Test("a reasoning model gets max_completion_tokens, no temperature, reasoning_effort and the extraBody members")
    func reasoningRequestBody() async throws {
        try await withServer([.sse(try recordedStream("openai-reasoning"))]) { server in
            let provider = try make(
                """
                {"provider": "openai", "baseURL": "\(server.baseURL)/v1", "model": "o4-mini", "reasoningEffort": "high",
                 "extraBody": {"service_tier": "flex", "seed": 7, "metadata": {"team": "agents"}}}
                """)
            let request = ChatRequest(messages: [.user("6 times 7?")], temperature: 1, maxTokens: 2048)
            let result = await collect(provider.stream(request))
            #expect(result.error == nil)
            #expect(result.text == "42")
            let body = try #require(server.requests.first?.json)
            #expect(
                body == [
                    "model": "o4-mini",
                    "messages": [["role": "user", "content": "6 times 7?"]],
                    "stream": true,
                    "stream_options": ["include_usage": true],
                    "max_completion_tokens": 2048,
                    "reasoning_effort": "high",
                    "service_tier": "flex",
                    "seed": 7,
                    "metadata": ["team": "agents"],
                ])
        }
    }

    @Test("an ordinary model keeps max_tokens and temperature; reasoning: true makes any model a reasoning model")
    func overrideByConfig() async throws {
        try await withServer([.sse(Fixtures.openAIText), .sse(Fixtures.openAIText), .sse(Fixtures.openAIText)]) { server in
            let request = ChatRequest(messages: [.user("Hi")], temperature: 0.2, maxTokens: 64)
            _ = await collect(try make(#"{"provider": "openai", "baseURL": "\#(server.baseURL)/v1", "model": "gpt-4o-mini"}"#).stream(request))
            var body = try #require(server.requests.last?.json)
            #expect(body["max_tokens"] == 64)
            #expect(body["temperature"] == 0.2)
            #expect(body["max_completion_tokens"] == nil)

            let deployment = try make(#"{"provider": "openai", "baseURL": "\#(server.baseURL)/v1", "model": "my-deployment", "reasoning": true}"#)
            _ = await collect(deployment.stream(ChatRequest(messages: [.user("Hi")], maxTokens: 64)))
            body = try #require(server.requests.last?.json)
            #expect(body["max_completion_tokens"] == 64)
            #expect(body["max_tokens"] == nil)

            // A model named like a reasoning one that is not, behind a proxy.
            let notReasoning = try make(#"{"provider": "openai", "baseURL": "\#(server.baseURL)/v1", "model": "o3-lookalike", "reasoning": false}"#)
            _ = await collect(notReasoning.stream(request))
            body = try #require(server.requests.last?.json)
            #expect(body["max_tokens"] == 64)
            #expect(body["temperature"] == 0.2)
        }
    }

    @Test("a temperature other than 1 for a reasoning model fails before anything is sent, saying how to fix it")
    func temperatureRefused() async throws {
        try await withServer([]) { server in
            let provider = try make(#"{"provider": "openai", "baseURL": "\#(server.baseURL)/v1", "model": "gpt-5-mini"}"#)
            let result = await collect(provider.stream(ChatRequest(messages: [.user("Hi")], temperature: 0)))
            let message = "\(try #require(result.error))"
            #expect(message.contains("'gpt-5-mini' is a reasoning model"), "\(message)")
            #expect(message.contains("temperature 0.0"))
            #expect(message.contains("\"reasoning\": false"))
            #expect(server.requests.isEmpty)
        }
    }

    @Test("model families by name")
    func families() {
        for name in ["o1", "o1-mini", "o3", "o3-mini-2025-01-31", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5.1", "openai/o3", "O3-PRO"] {
            #expect(OpenAIReasoning.isReasoningModel(name), "\(name)")
        }
        for name in ["gpt-4o", "gpt-4.1-mini", "o10", "gpt-50", "llama3.1", "omni", "gpt-5o"] {
            #expect(!OpenAIReasoning.isReasoningModel(name), "\(name)")
        }
    }

    @Test("extraBody may not set what the provider sets; the message names the key and the setting to use")
    func reservedKeys() throws {
        let cases: [(String, String)] = [
            (#"{"provider": "openai", "extraBody": {"max_tokens": 10}}"#, #"openai: "extraBody" must not set "max_tokens": the provider sets it itself; use "maxTokens" instead"#),
            (#"{"provider": "openai", "extraBody": {"messages": []}}"#, #""extraBody" must not set "messages""#),
            (#"{"provider": "anthropic", "extraBody": {"system": "x"}}"#, #"use "systemPrompt" instead"#),
            (#"{"provider": "ollama", "extraBody": {"options": {"num_ctx": 8192, "temperature": 0}}}"#, #"must not set "options.temperature""#),
            (#"{"provider": "ollama", "extraBody": {"options": 3}}"#, #""extraBody.options" must be an object"#),
            (#"{"provider": "anthropic", "reasoningEffort": "high"}"#, #"anthropic: "reasoningEffort" applies only to provider "openai""#),
            (#"{"provider": "ollama", "reasoning": true}"#, #"ollama: "reasoning" applies only to provider "openai""#),
            (#"{"provider": "openai", "reasoningEffort": ""}"#, #""reasoningEffort" must not be empty"#),
            (#"{"provider": "scripted", "script": [{"text": "x"}], "extraBody": {"a": 1}}"#, #"scripted: "extraBody" has no effect"#),
        ]
        for (json, expected) in cases {
            let config = json.replacingOccurrences(of: #"{"provider": ""#, with: #"{"apiKeyEnv": "K", "provider": ""#)
            let error = #expect(throws: ProviderError.self) {
                _ = try ProviderFactory.make(json: Data(config.utf8), environment: ["K": "key-value"])
            }
            #expect(error.map { "\($0)".contains(expected) } == true, "\(json): \(error.map { "\($0)" } ?? "no error")")
        }
    }

    @Test("Ollama: extraBody members and options reach the body next to the sampling options")
    func ollamaExtraBody() async throws {
        try await withServer([.ndjson(Fixtures.ollamaText)]) { server in
            let provider = try make(
                #"{"provider": "ollama", "baseURL": "\#(server.baseURL)", "model": "llama3.2", "extraBody": {"keep_alive": "10m", "options": {"num_ctx": 8192}}}"#)
            _ = await collect(provider.stream(ChatRequest(messages: [.user("Hi")], temperature: 0.3)))
            let body = try #require(server.requests.first?.json)
            #expect(body["keep_alive"] == "10m")
            #expect(body["options"] == ["num_ctx": 8192, "temperature": 0.3])
        }
    }
}
