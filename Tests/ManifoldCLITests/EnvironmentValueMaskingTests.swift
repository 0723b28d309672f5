import Foundation
import Testing

/// Values a graph takes from the environment (`${NAME}`) never appear in what `manifold run`
/// prints, even when a plugin refuses them and quotes them in its error.
@Suite("environment values in plugin errors")
struct EnvironmentValueMaskingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The graph's nodes, using `${MANIFOLD_TEST_VALUE}`.
        var nodes: String
        var input: String
        /// A bad value, a secret nonetheless.
        var value: String
        /// What the error still says, so it stays useful.
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "tools library",
            nodes: #"{"tools": {"plugin": "tools", "subscribe": ["in"], "output": "out", "config": {"tools": [{"name": "pow", "library": "${MANIFOLD_TEST_VALUE}", "symbol": "pow", "signature": "double(double x, double y)"}]}}}"#,
            input: "tool/call", value: "/opt/hidden-SECRET-4711/libtools.so", expected: "cannot open library '***'"),
        Case(
            name: "tools symbol",
            nodes: #"{"tools": {"plugin": "tools", "subscribe": ["in"], "output": "out", "config": {"tools": [{"name": "pow", "library": "libm.so.6", "symbol": "${MANIFOLD_TEST_VALUE}", "signature": "double(double x, double y)"}]}}}"#,
            input: "tool/call", value: "hidden_SECRET_4711_symbol", expected: "symbol '***' not found"),
        Case(
            name: "log destination",
            nodes: #"{"up": {"plugin": "uppercase", "subscribe": ["in"], "output": "out", "middleware": [{"plugin": "log", "config": {"destination": "${MANIFOLD_TEST_VALUE}"}}]}}"#,
            input: "text/plain", value: "/nonexistent/hidden-SECRET-4711/run.log", expected: "cannot create log file ***"),
        Case(
            name: "filter regex",
            nodes: #"{"up": {"plugin": "uppercase", "subscribe": ["in"], "output": "out", "middleware": [{"plugin": "filter", "config": {"rules": [{"matches": "${MANIFOLD_TEST_VALUE}", "action": "drop"}]}}]}}"#,
            input: "text/plain", value: "(hidden-SECRET-4711", expected: "config.rules[0].matches is not a valid regular expression"),
        Case(
            name: "agent baseURL",
            nodes: #"{"a": {"plugin": "agent", "subscribe": ["in"], "output": "out", "config": {"provider": {"provider": "openai", "model": "m", "baseURL": "${MANIFOLD_TEST_VALUE}/v1"}}}}"#,
            input: "text/plain", value: "http://hidden-SECRET-4711 gateway", expected: #""baseURL" must be an http or https URL, got '***'"#),
    ]

    @Test(arguments: cases)
    func aRefusedValueIsNeverPrinted(_ entry: Case) async throws {
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "masking", "plugins": ["$PLUGINS"],
             "inputs": {"in": {"topic": "in", "types": ["\(entry.input)"]}},
             "outputs": {"out": {"topic": "out", "types": ["*/*"]}},
             "nodes": \(entry.nodes)}
            """)
        let result = try await CLI.run(["run", graph, "--input", "{}"], environment: ["MANIFOLD_TEST_VALUE": entry.value])
        #expect(result.status == 1)
        #expect(result.stderr.contains(entry.expected), "the error still explains itself: \(result.stderr)")
        for (name, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            #expect(!text.contains(entry.value), "the value is on \(name): \(text)")
            #expect(!text.contains("SECRET-4711") && !text.contains("SECRET_4711"), "part of the value is on \(name): \(text)")
        }
    }

    @Test func aValueQuotedInAFailedInputIsMaskedOnStderrAndOnErrors() async throws {
        // The agent is created; each model call fails with a 404 whose error names the path,
        // which holds the value.
        let server = try LoopbackHTTPServer { _ in .json("404 Not Found", #"{"error": {"message": "no such route"}}"#) }
        defer { server.stop() }
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "masking", "plugins": ["$PLUGINS"],
             "inputs": {"in": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["chat/message"]},
                         "errors": {"topic": "$errors", "types": ["manifold/error"]}},
             "nodes": {"a": {"plugin": "agent", "subscribe": ["in"], "output": "out",
               "config": {"provider": {"provider": "openai", "model": "m", "maxRetries": 0,
                                       "baseURL": "\(server.baseURL)/${MANIFOLD_TEST_VALUE}"}}}}}
            """)
        let value = "hidden-SECRET-4711-route"
        let result = try await CLI.run(["run", graph, "--input", "hi", "--output", "json"], environment: ["MANIFOLD_TEST_VALUE": value])
        #expect(server.requests.first?.line.contains(value) == true, "the value was used")
        #expect(result.status == 1)
        #expect(result.stderr.contains("not found (HTTP 404) for model 'm' at /***/chat/completions"), "\(result.stderr)")
        #expect(result.stdout.contains("manifold/error"), "\(result.stdout)")
        for (name, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            #expect(!text.contains("SECRET-4711"), "the value is on \(name): \(text)")
        }
    }
}
