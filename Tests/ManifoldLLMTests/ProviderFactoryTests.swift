import Foundation
import Testing
@testable import ManifoldLLM

@Suite("Provider factory and secrets")
struct ProviderFactoryTests {
    private func make(_ json: String, environment: [String: String] = [:]) throws -> any ChatProvider {
        try ProviderFactory.make(json: Data(json.utf8), environment: environment)
    }

    @Test func buildsAnOpenAICompatibleProviderFromEveryField() throws {
        let provider = try make(
            """
            {"provider": "openai", "baseURL": "http://127.0.0.1:11434/v1/", "model": "qwen3", "apiKeyEnv": "LOCAL_KEY",
             "timeoutSeconds": 30, "connectTimeoutSeconds": 3, "maxRetries": 5, "headers": {"X-Team": "agents"}}
            """, environment: ["LOCAL_KEY": "abc123-local-key"])
        let openAI = try #require(provider as? OpenAIChatProvider)
        #expect(openAI.name == "openai")
        #expect(openAI.settings.url(for: "/chat/completions") == "http://127.0.0.1:11434/v1/chat/completions")
        #expect(openAI.settings.defaultModel == "qwen3")
        #expect(openAI.settings.readTimeoutSeconds == 30)
        #expect(openAI.settings.connectTimeoutSeconds == 3)
        #expect(openAI.settings.retry.maxRetries == 5)
        #expect(openAI.settings.extraHeaders == ["X-Team": "agents"])
        #expect(openAI.settings.apiKey == APIKey("abc123-local-key"))
        #expect(openAI.settings.apiKeyEnvironmentVariable == "LOCAL_KEY")
    }

    @Test func defaultsPerProvider() throws {
        let anthropic = try #require(try make(#"{"provider": "anthropic"}"#, environment: ["ANTHROPIC_API_KEY": "k-ant"]) as? AnthropicProvider)
        #expect(anthropic.settings.baseURL == "https://api.anthropic.com/v1")
        #expect(anthropic.settings.apiKeyEnvironmentVariable == "ANTHROPIC_API_KEY")
        #expect(anthropic.defaultMaxTokens == 4096)
        #expect(anthropic.settings.readTimeoutSeconds == 120)
        #expect(anthropic.settings.retry.maxRetries == 2)

        let ollama = try #require(try make(#"{"provider": "ollama", "model": "llama3.2"}"#) as? OllamaProvider)
        #expect(ollama.settings.baseURL == "http://localhost:11434")
        #expect(ollama.settings.apiKey == nil)

        let openAI = try #require(try make(#"{"provider": "openai"}"#, environment: ["OPENAI_API_KEY": "sk-x"]) as? OpenAIChatProvider)
        #expect(openAI.settings.baseURL == "https://api.openai.com/v1")
    }

    @Test func aMissingKeyNamesTheVariable() throws {
        #expect(throws: ProviderError.missingAPIKey(provider: "openai", environmentVariable: "OPENAI_API_KEY")) {
            try make(#"{"provider": "openai"}"#)
        }
        #expect(throws: ProviderError.missingAPIKey(provider: "anthropic", environmentVariable: "ANTHROPIC_API_KEY")) {
            try make(#"{"provider": "anthropic"}"#, environment: ["ANTHROPIC_API_KEY": ""])
        }
        #expect(throws: ProviderError.missingAPIKey(provider: "ollama", environmentVariable: "OLLAMA_KEY")) {
            try make(#"{"provider": "ollama", "apiKeyEnv": "OLLAMA_KEY"}"#)
        }
        // A local OpenAI-compatible server needs no key.
        let local = try make(#"{"provider": "openai", "baseURL": "http://localhost:8000/v1"}"#)
        #expect((local as? OpenAIChatProvider)?.settings.apiKey == nil)
    }

    @Test func invalidConfigurationsAreExplained() {
        func message(_ json: String) -> String {
            do {
                _ = try make(json)
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        #expect(message(#"{"provider": "gemini"}"#).contains("expected one of openai, anthropic, ollama, scripted"))
        #expect(message(#"{"model": "x"}"#).contains("missing \"provider\""))
        #expect(message(#"{"provider": "ollama", "baseURL": "ftp://host"}"#).contains("baseURL"))
        #expect(message(#"{"provider": "ollama", "timeoutSeconds": 0}"#).contains("timeoutSeconds"))
        #expect(message(#"{"provider": "scripted"}"#).contains("script"))
        #expect(message(#"{"provider": "scripted", "script": [{}]}"#).contains("turn 1"))
    }

    @Test func aProviderWithoutAModelSaysWhereToSetOne() async {
        let provider = OllamaProvider(settings: HTTPProviderSettings(baseURL: "http://127.0.0.1:9"))
        let result = await collect(provider.stream(ChatRequest(messages: [.user("Hi")])))
        guard case .invalidConfiguration(let reason) = result.providerError else {
            Issue.record("expected invalidConfiguration, got \(String(describing: result.error))")
            return
        }
        #expect(reason.contains("model"))
    }

    @Test func keysNeverAppearInDescriptionsOrDumps() throws {
        let secret = "sk-ant-api03-VERYSECRETVALUE-0042"
        let provider = try make(#"{"provider": "anthropic", "model": "claude"}"#, environment: ["ANTHROPIC_API_KEY": secret])
        var dumped = ""
        dump(provider, to: &dumped)
        let anthropic = try #require(provider as? AnthropicProvider)
        var dumpedSettings = ""
        dump(anthropic.settings, to: &dumpedSettings)
        let texts = [
            String(describing: provider), String(reflecting: provider), dumped, dumpedSettings,
            "\(anthropic.settings)", String(reflecting: anthropic.settings), "\(APIKey(secret))", String(reflecting: APIKey(secret)),
        ]
        for text in texts {
            #expect(!text.contains(secret), "\(text)")
            #expect(!text.contains("VERYSECRET"), "\(text)")
        }
        #expect(APIKey(secret).redact("echo: \(secret); masked: sk-ant-a...UE-0042") == "echo: [redacted]; masked: [redacted]...U[redacted]")
    }
}
