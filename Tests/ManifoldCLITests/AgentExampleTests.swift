import Foundation
import Testing

/// The agent examples (`Examples/agent-*.json`) run offline with the scripted provider,
/// through the built `manifold` binary, exactly as `docs/agents.md` shows them.
@Suite("agent examples")
struct AgentExampleTests {
    static let chatAnswer =
        "Manifold runs agent graphs: LLM agents, tools and middleware are plugins, wired together by typed topics "
        + "on a shared hub. This answer came from the offline scripted provider; change one line of "
        + "Examples/agent-chat.json to ask a real model."
    static let toolsAnswer = "2 to the power of 10 is 1024."
    static let fakeKey = "sk-example-not-a-real-key-0000"

    // MARK: Helpers

    /// Each line of `--output json`, parsed.
    private func jsonLines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not a JSON object: \($0)")
        }
    }

    /// The columns of a node's row in the `--stats` table: processed, failed, emitted, rejected.
    private func statsRow(_ stderr: String, node: String) -> [String]? {
        let lines = stderr.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "nodes:") else { return nil }
        for line in lines[start...] {
            let columns = line.split(separator: " ").map(String.init)
            if columns.first == node { return Array(columns.dropFirst().prefix(4)) }
        }
        return nil
    }

    /// The example's text with every scripted provider line replaced by `provider`.
    private func switched(_ example: String, to provider: String) throws -> String {
        let text = try String(contentsOfFile: CLI.repositoryRoot + "/Examples/\(example).json", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.contains("\"provider\": {\"provider\": \"scripted\"") else { return String(line) }
            let indent = line.prefix { $0 == " " }
            return indent + "\"provider\": " + provider + ","
        }
        return lines.joined(separator: "\n").replacingOccurrences(of: "\"../manifests/plugins\"", with: "\"$PLUGINS\"")
    }

    // MARK: All three

    @Test(arguments: [("agent-chat", 1), ("agent-tools", 2), ("agent-review", 3)])
    func exampleIsValidWithoutWarnings(example: String, nodes: Int) async throws {
        let result = try await CLI.run(["validate", "Examples/\(example).json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("valid (\(nodes) node\(nodes == 1 ? "" : "s"), 0 warning(s))"), "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test(arguments: ["agent-chat", "agent-tools", "agent-review"])
    func oneLineSwitchesToARealProviderAndAMissingKeyIsAClearError(example: String) async throws {
        let secret = "sk-never-print-me-0123456789abcdef"
        let path = try CLI.writeGraph(
            try switched(example, to: #"{"provider": "openai", "model": "gpt-4o-mini", "apiKeyEnv": "MANIFOLD_TEST_MISSING_KEY"}"#))
        let graph = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!graph.contains(#""provider": "scripted""#), "every node's provider line was switched")

        let validation = try await CLI.run(["validate", path])
        #expect(validation.status == 0, "the switched graph must stay valid: \(validation.stdout) \(validation.stderr)")

        let result = try await CLI.run(
            ["run", path, "--input", "hello"],
            environment: ["MANIFOLD_TEST_MISSING_KEY": "", "OPENAI_API_KEY": secret])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("openai: no API key: set the environment variable MANIFOLD_TEST_MISSING_KEY"), "\(result.stderr)")
        #expect(!result.stderr.contains(secret))
    }

    @Test func aKeyNeverAppearsWhenTheModelCallFails() async throws {
        let secret = "sk-test-secret-abcdefghijklmnop"
        let path = try CLI.writeGraph(
            try switched(
                "agent-chat",
                to: #"{"provider": "openai", "model": "gpt-4o-mini", "apiKeyEnv": "MANIFOLD_TEST_KEY", "baseURL": "http://127.0.0.1:9/v1", "maxRetries": 0, "connectTimeoutSeconds": 2}"#))
        let result = try await CLI.run(["run", path, "--input", "hello"], environment: ["MANIFOLD_TEST_KEY": secret])
        #expect(result.status == 1)
        #expect(result.stderr.contains("model call failed"), "\(result.stderr)")
        #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
        #expect(!result.stderr.contains(String(secret.suffix(6))))
    }

    // MARK: agent-chat

    @Test func chatStreamsTheAnswerOnce() async throws {
        let result = try await CLI.run(["run", "Examples/agent-chat.json", "--input", "What is Manifold?"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == Self.chatAnswer + "\n")
        #expect(!result.stderr.contains("dead-letter"), "\(result.stderr)")
    }

    @Test func chatDeltasArriveInOrderAsJSON() async throws {
        let result = try await CLI.run(["run", "Examples/agent-chat.json", "--input", "What is Manifold?", "--output", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let all = try jsonLines(result.stdout)
        #expect(all.last?["type"] as? String == "chat/message", "the whole answer comes last")
        #expect(((all.last?["payload"] as? [String: Any])?["content"] as? String) == Self.chatAnswer)
        let objects = Array(all.dropLast())
        #expect(objects.count > 10)
        #expect(objects.allSatisfy { $0["type"] as? String == "chat/delta" && $0["output"] as? String == "answer" })
        #expect(objects.allSatisfy { $0["origin"] as? String == "assistant" })
        let pieces = objects.compactMap { ($0["payload"] as? [String: Any])?["text"] as? String }
        #expect(pieces.count == objects.count)
        #expect(pieces.joined() == Self.chatAnswer)
        let indices = objects.compactMap { ($0["metadata"] as? [String: String])?["agent.delta.index"].flatMap { Int($0) } }
        #expect(indices == Array(0..<objects.count))
        #expect(Set(objects.compactMap { $0["correlationID"] as? String }).count == 1, "one conversation")
    }

    @Test func chatStatsCountTheDeltasAndTheMessage() async throws {
        let result = try await CLI.run(["run", "Examples/agent-chat.json", "--input", "hi", "--stats"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let deltas = Self.chatAnswer.split(separator: " ").count
        #expect(statsRow(result.stderr, node: "assistant") == ["1", "0", "\(deltas + 1)", "0"])
        #expect(result.stderr.contains("outputs: answer=\(deltas + 1)"))
    }

    // MARK: agent-tools

    @Test func toolsAnswerCarriesTheResult() async throws {
        let result = try await CLI.run(["run", "Examples/agent-tools.json", "--input", "What is 2 to the power of 10?"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == Self.toolsAnswer + "\n")
        // The log middleware on the tools node shows the call and the value libm computed.
        let logLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(logLines.contains {
            $0.contains("\"node\":\"tools\"") && $0.contains("\"event\":\"input\"") && $0.contains("tool/call")
                && $0.contains(#"\"arguments\":{\"x\":2,\"y\":10}"#)
        })
        #expect(logLines.contains {
            $0.contains("\"event\":\"output\"") && $0.contains("tool/result") && $0.contains(#"\"result\":1024"#)
                && $0.contains(#"\"isError\":false"#)
        }, "\(logLines)")
        #expect(logLines.contains { $0.contains("\"event\":\"output\"") && $0.contains("tool/catalog") })
    }

    @Test func toolsAnswerAsJSON() async throws {
        let result = try await CLI.run(["run", "Examples/agent-tools.json", "--input", "What is 2 to the power of 10?", "--output", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try jsonLines(result.stdout)
        #expect(objects.count == 1)
        let answer = try #require(objects.first)
        #expect(answer["type"] as? String == "chat/message")
        #expect(answer["output"] as? String == "answer")
        #expect(answer["origin"] as? String == "agent")
        let payload = try #require(answer["payload"] as? [String: Any])
        #expect(payload["role"] as? String == "assistant")
        #expect(payload["content"] as? String == Self.toolsAnswer)
        #expect((payload["content"] as? String)?.contains("1024") == true)
        let metadata = try #require(answer["metadata"] as? [String: String])
        #expect(metadata["agent.tool_rounds"] == "1")
        #expect(metadata["agent.model_calls"] == "2")
        #expect(metadata["agent.finish_reason"] == "stop")
    }

    @Test func toolsStatsShowOneToolCall() async throws {
        let result = try await CLI.run(
            ["run", "Examples/agent-tools.json", "--input", "What is 2 to the power of 10?", "--stats", "--log-level", "info"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // tools: one tool/list (answered with the catalog) and one tool/call (answered with 1024).
        #expect(statsRow(result.stderr, node: "tools") == ["2", "0", "2", "0"], "\(result.stderr)")
        // agent: the prompt, the catalog and the tool result; out: tool/list, tool/call, the answer.
        #expect(statsRow(result.stderr, node: "agent") == ["3", "0", "3", "0"])
        #expect(result.stderr.contains("tools: 1 calls, 0 answered with an error (0 to unknown tools), 1 catalogs sent"), "\(result.stderr)")
        #expect(result.stderr.contains("agent: 1 user turns, 1 answers, 2 model calls, 1 tool calls, 1 tool results, 0 failed turns"))
        #expect(result.stderr.contains("outputs: answer=1"))
        // Each subscriber of agent.out refuses the others' types: routing by type, nothing lost.
        #expect(!result.stderr.contains("dead-letter"), "\(result.stderr)")
    }

    // MARK: agent-review

    @Test func reviewPipelineAsJSON() async throws {
        let result = try await CLI.run(["run", "Examples/agent-review.json", "--input", "Add a retry to the HTTP client", "--output", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try jsonLines(result.stdout)
        #expect(objects.count == 3)
        var contents: [String: String] = [:]
        for object in objects {
            #expect(object["type"] as? String == "chat/message")
            let payload = try #require(object["payload"] as? [String: Any])
            #expect(payload["role"] as? String == "assistant")
            contents[try #require(object["output"] as? String)] = payload["content"] as? String
        }
        #expect(Set(objects.compactMap { $0["origin"] as? String }) == ["planner", "coder", "reviewer"])
        #expect(Set(objects.compactMap { $0["correlationID"] as? String }).count == 1, "one request, one correlation id")
        #expect(contents["plan"]?.hasPrefix("Plan:\n1. ") == true)
        #expect(contents["code"]?.contains("func send(") == true)
        #expect(contents["code"]?.contains(Self.fakeKey) == true, "the coder's answer as written")
        let review = try #require(contents["review"])
        #expect(review.hasPrefix("VERDICT: REQUEST CHANGES\n"))
        #expect(review.contains("The API key [REDACTED] is hard-coded"))
        #expect(!review.contains(Self.fakeKey))
    }

    @Test func reviewPipelineInTextModeWithMiddlewareOnEveryNode() async throws {
        let result = try await CLI.run(
            ["run", "Examples/agent-review.json", "--input", "Add a retry to the HTTP client", "--stats", "--log-level", "info"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("VERDICT: REQUEST CHANGES\n"))
        #expect(result.stdout.contains("2. The API key [REDACTED] is hard-coded"))
        for node in ["planner", "coder", "reviewer"] {
            #expect(statsRow(result.stderr, node: node) == ["1", "0", "1", "0"], "\(node): \(result.stderr)")
            let logLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("{") && $0.contains("\"node\":\"\(node)\"") }
            #expect(logLines.contains { $0.contains("\"event\":\"input\"") }, "\(node) logs its input")
            #expect(logLines.contains { $0.contains("\"event\":\"output\"") && $0.contains("chat/message") }, "\(node) logs its output")
        }
        #expect(!result.stderr.contains(Self.fakeKey), "log lines carry no payloads")
        #expect(result.stderr.contains("rate-limit: 1 inputs passed"))
        #expect(result.stderr.contains("node=coder [ManifoldHost] filter: 1 seen, 0 dropped, 1 rewritten"))
        #expect(result.stderr.contains("redact: 2 matches masked in 2 of 2 artifacts (api-keys 2)"), "the input and the review")
        #expect(result.stderr.contains("schema: 1 payloads validated, 0 rejected"))
        #expect(result.stderr.contains("node=reviewer [ManifoldHost] retry: 1 inputs, 0 retries"))
        #expect(result.stderr.contains("outputs: code=1, plan=1, review=1"))
        #expect(!result.stderr.contains("dead-letter"))
    }

    @Test func reviewWithoutAVerdictIsRejectedRetriedAndFails() async throws {
        let graph = try String(contentsOfFile: CLI.repositoryRoot + "/Examples/agent-review.json", encoding: .utf8)
            .replacingOccurrences(of: "\"../manifests/plugins\"", with: "\"$PLUGINS\"")
            .replacingOccurrences(of: #"{"text": "VERDICT: REQUEST CHANGES\n"#, with: #"{"text": "Looks good to me.\n"#)
            .replacingOccurrences(of: #""initialBackoffSeconds": 1,"#, with: #""initialBackoffSeconds": 0.01,"#)
        #expect(graph.contains("Looks good to me."))
        let path = try CLI.writeGraph(graph)
        let result = try await CLI.run(["run", path, "--input", "Add a retry to the HTTP client", "--log-level", "info"])
        #expect(result.status == 1)
        #expect(!result.stdout.contains("Looks good"), "a rejected review never leaves the node")
        #expect(result.stdout.contains("Plan:"), "the plan and the code still came out")
        #expect(result.stderr.contains("retry: node 'reviewer' failed 3 attempts, giving up"), "\(result.stderr)")
        #expect(result.stderr.contains("retry: 1 inputs, 2 retries, 0 recovered, 1 gave up"))
        #expect(result.stderr.contains("node 'reviewer': 1 input(s) failed"))
    }
}
