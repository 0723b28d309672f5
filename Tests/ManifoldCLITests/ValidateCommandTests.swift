import Foundation
import Testing

/// `manifold validate`: one test per graph error a user can make, each asserting the JSON path.
@Suite("manifold validate")
struct ValidateCommandTests {
    /// A valid two-node graph; each test breaks one thing.
    static func graph(
        nodes: String = """
            "shout": { "plugin": "uppercase", "subscribe": ["input"], "output": "shouted" },
            "split": { "plugin": "echo", "config": { "split": "words" }, "subscribe": ["shouted"], "output": "result" }
            """,
        extra: String = ""
    ) -> String {
        """
        {
          "manifold": 1,
          "name": "test",
          "plugins": ["$PLUGINS"],
          "inputs": { "text": { "topic": "input", "types": ["text/plain"] } },
          "outputs": { "result": { "topic": "result", "types": ["text/*"] } },
          \(extra)
          "nodes": { \(nodes) }
        }
        """
    }

    private func validate(_ json: String) async throws -> (CLI.Result, [[String: Any]]) {
        let path = try CLI.writeGraph(json)
        let result = try await CLI.run(["validate", path, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let errors = document["errors"] as? [[String: Any]] ?? []
        return (result, errors)
    }

    private func expectError(_ json: String, at path: String, containing words: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (result, errors) = try await validate(json)
        #expect(result.status == 1, sourceLocation: sourceLocation)
        let match = errors.first { ($0["path"] as? String) == path }
        #expect(match != nil, "no error at \(path); errors: \(errors)", sourceLocation: sourceLocation)
        let message = "\(match?["message"] ?? "") \(match?["fix"] ?? "")"
        for word in words {
            #expect(message.contains(word), "'\(word)' not in: \(message)", sourceLocation: sourceLocation)
        }
    }

    @Test func validGraphPasses() async throws {
        let path = try CLI.writeGraph(Self.graph())
        let result = try await CLI.run(["validate", path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("valid (2 nodes"))
    }

    @Test func bundledExamplesAreValid() async throws {
        for example in ["pipeline", "fan-out", "middleware"] {
            let result = try await CLI.run(["validate", "Examples/\(example).json"])
            #expect(result.status == 0, "\(example): \(result.stderr)")
        }
    }

    @Test func mistypedExampleIsRefusedWithBothSides() async throws {
        let result = try await CLI.run(["validate", "Examples/mistyped.json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Examples/mistyped.json"))
        #expect(result.stderr.contains("$.nodes.shout.subscribe[0]"))
        #expect(result.stderr.contains("{application/json}"))
        #expect(result.stderr.contains("{text/plain}"))
        #expect(result.stderr.contains("graph input 'numbers'"))
    }

    @Test func unknownPlugin() async throws {
        try await expectError(
            Self.graph(nodes: #""shout": { "plugin": "uppercsae", "subscribe": ["input"], "output": "result" }"#),
            at: "$.nodes.shout.plugin", containing: ["uppercsae", "uppercase"])
    }

    @Test func unknownKeyWithSuggestion() async throws {
        try await expectError(
            Self.graph(nodes: #""shout": { "plugin": "uppercase", "subscribe": ["input"], "ouptut": "result" }"#),
            at: "$.nodes.shout.ouptut", containing: ["ouptut", "output"])
    }

    @Test func subscriptionNobodyPublishesTo() async throws {
        try await expectError(
            Self.graph(nodes: """
                "shout": { "plugin": "uppercase", "subscribe": ["input"], "output": "result" },
                "lost": { "plugin": "echo", "subscribe": ["nowhere"], "output": "result" }
                """),
            at: "$.nodes.lost.subscribe[0]", containing: ["nowhere"])
    }

    @Test func cycleWithoutAllowCycles() async throws {
        let nodes = """
            "a": { "plugin": "echo", "subscribe": ["input", "from-b"], "output": "from-a" },
            "b": { "plugin": "echo", "subscribe": ["from-a"], "output": "from-b" },
            "c": { "plugin": "echo", "subscribe": ["from-a"], "output": "result" }
            """
        let (result, errors) = try await validate(Self.graph(nodes: nodes))
        #expect(result.status == 1)
        let cycle = errors.first { ($0["message"] as? String)?.contains("cycle") == true }
        #expect(cycle != nil, "errors: \(errors)")
        let explanation = "\(cycle?["message"] ?? "") \(cycle?["fix"] ?? "")"
        #expect(explanation.contains("allowCycles"))
        let (allowed, _) = try await validate(Self.graph(nodes: nodes, extra: #""allowCycles": true,"#))
        #expect(allowed.status == 0, "stderr: \(allowed.stderr)")
    }

    @Test func configFailingThePluginsSchema() async throws {
        try await expectError(
            Self.graph(nodes: """
                "shout": { "plugin": "uppercase", "subscribe": ["input"], "output": "shouted" },
                "split": { "plugin": "echo", "config": { "split": "sentences" }, "subscribe": ["shouted"], "output": "result" }
                """),
            at: "$.nodes.split.config.split", containing: ["sentences"])
    }

    @Test func middlewareUsedAsGenerator() async throws {
        try await expectError(
            Self.graph(nodes: #""shout": { "plugin": "log", "subscribe": ["input"], "output": "result" }"#),
            at: "$.nodes.shout.plugin", containing: ["middleware", "not a generator"])
    }

    @Test func typeMismatchOnFanIn() async throws {
        // Two producers into one topic: a node emitting text and a graph input of JSON; the
        // consumer takes text only, so exactly the JSON edge is refused.
        let json = """
            {
              "manifold": 1,
              "name": "fan-in",
              "plugins": ["$PLUGINS"],
              "inputs": {
                "text": { "topic": "input", "types": ["text/plain"] },
                "numbers": { "topic": "both", "types": ["application/json"] }
              },
              "outputs": { "result": { "topic": "result", "types": ["text/*"] } },
              "nodes": {
                "shout": { "plugin": "uppercase", "subscribe": ["input"], "output": "both" },
                "last": { "plugin": "uppercase", "subscribe": ["both"], "output": "result" }
              }
            }
            """
        try await expectError(json, at: "$.nodes.last.subscribe[0]", containing: ["graph input 'numbers'", "{application/json}", "{text/plain}"])
        let (_, errors) = try await validate(json)
        #expect(errors.count == 1, "only the JSON edge is wrong: \(errors)")
    }

    @Test func unreadOutputIsAWarningNotAnError() async throws {
        let (result, _) = try await validate(Self.graph(nodes: """
            "shout": { "plugin": "uppercase", "subscribe": ["input"], "output": "result" },
            "side": { "plugin": "echo", "subscribe": ["input"], "output": "ignored" }
            """))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let warnings = document?["warnings"] as? [[String: Any]] ?? []
        #expect(warnings.contains { ($0["path"] as? String) == "$.nodes.side.output" })
    }

    @Test func allErrorsAreReportedInOnePass() async throws {
        let (result, errors) = try await validate(Self.graph(nodes: """
            "shout": { "plugin": "uppercsae", "subscribe": ["input"], "output": "result" },
            "split": { "plugin": "echo", "config": { "repeat": 0 }, "subscribe": ["nowhere"], "output": "result" }
            """))
        #expect(result.status == 1)
        let paths = Set(errors.compactMap { $0["path"] as? String })
        #expect(paths.isSuperset(of: ["$.nodes.shout.plugin", "$.nodes.split.config.repeat", "$.nodes.split.subscribe[0]"]))
    }

    @Test func malformedJSONSaysWhere() async throws {
        let path = try CLI.writeGraph("{ \"manifold\": 1, \"nodes\": { ")
        let result = try await CLI.run(["validate", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(path))
    }
}
