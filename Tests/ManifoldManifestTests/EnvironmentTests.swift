import Foundation
import ManifoldJSON
import ManifoldManifest
import Testing

@Suite("Environment substitution")
struct EnvironmentTests {
    static let text = """
        {"manifold": 1, "name": "g", "inputs": {"in": {"topic": "in"}},
         "nodes": {"coder": {
           "plugin": "agent", "subscribe": ["in"],
           "config": {
             "apiKey": "${API_KEY}", "url": "https://${HOST:-localhost}:${PORT:-8080}/v1",
             "literal": "cost: $5, template: $${NOT_A_VAR}", "plain": "no references", "count": 3,
             "headers": [{"x-token": "Bearer ${TOKEN}"}]
           },
           "middleware": [{"plugin": "log", "config": {"level": "${LOG_LEVEL:-info}", "secret": "${API_KEY}"}}]
         }}}
        """

    static let environment = ["API_KEY": "sk-live-123", "TOKEN": "tok-456", "PORT": "9000"]

    @Test func substitutesValuesDefaultsAndEscapes() throws {
        let raw = try Support.graph(Self.text)
        let graph = try raw.resolvingEnvironment(Self.environment)
        let config = try #require(graph.node("coder")?.config)
        #expect(config["apiKey"] == "sk-live-123")
        #expect(config["url"] == "https://localhost:9000/v1")
        #expect(config["literal"] == "cost: $5, template: ${NOT_A_VAR}")
        #expect(config["plain"] == "no references")
        #expect(config["count"] == 3)
        #expect(config["headers"] == [["x-token": "Bearer tok-456"]])
        #expect(graph.node("coder")?.middleware.first?.config == ["level": "info", "secret": "sk-live-123"])
        #expect(graph.isResolved)
    }

    @Test func recordsSecretPathsAndRedactsThem() throws {
        let graph = try Support.graph(Self.text).resolvingEnvironment(Self.environment)
        #expect(graph.secretPaths == [
            "$.nodes.coder.config.apiKey", "$.nodes.coder.config.url", "$.nodes.coder.config.headers[0].x-token",
            "$.nodes.coder.middleware[0].config.level", "$.nodes.coder.middleware[0].config.secret",
        ])
        let redacted = try #require(graph.redactedConfig(forNode: "coder"))
        #expect(redacted["apiKey"] == "***")
        #expect(redacted["headers"] == [["x-token": "***"]])
        #expect(redacted["plain"] == "no references")
        #expect(redacted["literal"] == "cost: $5, template: ${NOT_A_VAR}")
        let printed = redacted.jsonText + (graph.redactedConfig(forNode: "coder", middleware: 0)?.jsonText ?? "")
        #expect(!printed.contains("sk-live") && !printed.contains("tok-456"))
        #expect(graph.redactedConfig(forNode: "coder", middleware: 0) == ["level": "***", "secret": "***"])
        #expect(graph.redactedConfig(forNode: "nope") == nil)
        #expect(graph.redactedConfig(forNode: "coder", middleware: 3) == nil)
        #expect(graph.configSecretPaths(forNode: "coder") == ["$.apiKey", "$.url", "$.headers[0].x-token"])
        #expect(graph.configSecretPaths(forNode: "coder", middleware: 0) == ["$.level", "$.secret"])
    }

    @Test func theRawManifestHoldsNoSecrets() throws {
        let raw = try Support.graph(Self.text)
        _ = try raw.resolvingEnvironment(Self.environment)
        let config = try #require(raw.node("coder")?.config)
        #expect(config["apiKey"] == "${API_KEY}")
        #expect(!config.jsonText.contains("sk-live"))
        #expect(raw.secretPaths.isEmpty)
        #expect(raw.environmentReferences.map(\.name) == ["API_KEY", "TOKEN", "HOST", "PORT", "LOG_LEVEL", "API_KEY"])
        let first = try #require(raw.environmentReferences.first)
        #expect(first.path == "$.nodes.coder.config.apiKey" && !first.hasDefault)
        #expect(raw.environmentReferences.map(\.hasDefault) == [false, false, true, true, true, false])
    }

    @Test func missingVariablesAreReportedAtTheirPathsWithoutValues() throws {
        let raw = try Support.graph(Self.text)
        let errors = Support.errors { () throws(ManifestErrors) in try raw.resolvingEnvironment(["TOKEN": "tok-456"]) }
        #expect(errors.lines == [
            "$.nodes.coder.config.apiKey: environment variable 'API_KEY' is not set",
            "$.nodes.coder.middleware[0].config.secret: environment variable 'API_KEY' is not set",
        ])
        #expect(errors.first?.fix == "set it in the environment that runs the graph (export API_KEY=…), or give a default: ${API_KEY:-default}")
        #expect(errors.first?.file == "graphs/test.json")
        #expect(!errors.map(\.description).joined().contains("tok-456"))
    }

    @Test func placeholderForMissingVariables() throws {
        let graph = try Support.graph(Self.text).resolvingEnvironment([:], placeholderForMissing: "unset")
        #expect(graph.node("coder")?.config["apiKey"] == "unset")
        #expect(graph.node("coder")?.config["headers"] == [["x-token": "Bearer unset"]])
        #expect(graph.secretPaths.contains("$.nodes.coder.config.apiKey"))
    }

    @Test func emptyValueUsesTheDefaultLikeTheShell() throws {
        let graph = try Support.graph(Self.text).resolvingEnvironment(Self.environment.merging(["HOST": ""]) { $1 })
        #expect(graph.node("coder")?.config["url"] == "https://localhost:9000/v1")
        let empty = try Support.graph(Self.text).resolvingEnvironment(Self.environment.merging(["API_KEY": ""]) { $1 })
        #expect(empty.node("coder")?.config["apiKey"] == "")
    }

    @Test func substitutedTextIsNotExpandedAgainAndResolutionRepeats() throws {
        let raw = try Support.graph(Self.text)
        let once = try raw.resolvingEnvironment(Self.environment.merging(["API_KEY": "${TOKEN}"]) { $1 })
        #expect(once.node("coder")?.config["apiKey"] == "${TOKEN}")
        let twice = try once.resolvingEnvironment(Self.environment)
        #expect(twice.node("coder")?.config["apiKey"] == "sk-live-123")
        #expect(twice.node("coder")?.config["literal"] == "cost: $5, template: ${NOT_A_VAR}")
    }

    @Test func malformedReferencesAreErrorsWhenLoading() {
        let text = """
            {"manifold": 1, "name": "g", "nodes": {"n": {"plugin": "p", "subscribe": ["t"],
              "config": {"a": "${OPEN", "b": "${1BAD}", "c": ["${}"], "d": "${A-b}"},
              "middleware": [{"plugin": "m", "config": {"e": "x ${ y}"}}]}}}
            """
        let errors = Support.errors { () throws(ManifestErrors) in try Support.graph(text) }
        #expect(errors.lines == [
            "$.nodes.n.config.a: unterminated \"${\" in \"${OPEN\"",
            "$.nodes.n.config.b: invalid environment variable name \"1BAD\" in \"${1BAD}\"",
            "$.nodes.n.config.c[0]: invalid environment variable name \"\" in \"${}\"",
            "$.nodes.n.config.d: invalid environment variable name \"A-b\" in \"${A-b}\"",
            "$.nodes.n.middleware[0].config.e: invalid environment variable name \" y\" in \"${ y}\"",
        ])
        #expect(errors.first?.fix == "close it with '}', or write $${ for a literal ${")
    }

    @Test func schemaViolationsOfResolvedConfigsCanHideSecrets() throws {
        let graph = try Support.graph(Self.text).resolvingEnvironment(Self.environment)
        let schema = try JSONSchema(["type": "object", "properties": ["apiKey": ["type": "integer"], "url": ["pattern": "^ftp:"]]])
        let config = try #require(graph.node("coder")?.config)
        let violations = schema.validate(config, redacting: graph.configSecretPaths(forNode: "coder"))
        #expect(violations.lines == ["$.apiKey: expected integer, got string ***", "$.url: string *** does not match the pattern ^ftp:"])
    }
}
