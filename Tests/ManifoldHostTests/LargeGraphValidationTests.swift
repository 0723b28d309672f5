import Foundation
import Manifold
import ManifoldHost
import ManifoldJSON
import Testing

/// Validating a 10,000-node graph finds exactly the mistakes near its end that it would find
/// in a small one: a type mismatch on an edge and a config error, each at its path, with
/// every node's config holding a `${…}` reference. (Not timed: see the graph benchmark in
/// Benchmarks/ for how validation scales.)
@Suite("Validating large graphs")
struct LargeGraphValidationTests {
    static let echo = try! InProcessPlugin.generator(
        name: "echo", ports: PortTypes(inputs: ["text/*"], outputs: ["text/*"]),
        configSchema: ["type": "object", "properties": ["split": ["enum": ["none", "words"]]], "additionalProperties": false]
    ) { _, _, _ in ClosureGenerator { _, _ in } }

    static let upper = try! InProcessPlugin.generator(
        name: "upper", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: ["type": "object", "properties": ["suffix": ["type": "string"]], "additionalProperties": false]
    ) { _, _, _ in ClosureGenerator { _, _ in } }

    static let numbers = try! InProcessPlugin.generator(
        name: "numbers", ports: PortTypes(inputs: [.plainText], outputs: [.json])
    ) { _, _, _ in ClosureGenerator { _, _ in } }

    /// Groups of five: a head (`echo`) hears the previous group (`gN.*`), four `upper`
    /// members hear the head; the last node collects the last group into `result`. Node
    /// 9,997 has a key its plugin's schema does not allow; node 9,998 emits JSON.
    func writeGraph(nodes count: Int) throws -> String {
        let collector = count - 1
        var nodes: [String] = []
        for node in 0..<count {
            let group = node / 5
            let (plugin, subscribe, output): (String, String, String)
            var config = #"{ "suffix": "${SUFFIX:-!}" }"#
            if node == collector {
                (plugin, subscribe, output) = ("echo", "g\((count - 2) / 5).*", "result")
                config = #"{ "split": "words" }"#
            } else if node % 5 == 0 {
                (plugin, subscribe, output) = ("echo", node == 0 ? "input" : "g\(group - 1).*", "g\(group).in")
                config = #"{ "split": "words" }"#
            } else {
                (plugin, subscribe, output) = (node == count - 2 ? "numbers" : "upper", "g\(group).in", "g\(group).w\(node % 5)")
            }
            if node == count - 3 { config = #"{ "suffix": "${SUFFIX:-!}", "loud": true }"# }
            nodes.append(#"    "n\#(node)": { "plugin": "\#(plugin)", "config": \#(config), "subscribe": ["\#(subscribe)"], "output": "\#(output)" }"#)
        }
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/large.json"
        try """
            {
              "manifold": 1, "name": "large",
              "inputs": { "text": { "topic": "input", "types": ["text/plain"] } },
              "outputs": { "result": { "topic": "result", "types": ["text/*"] } },
              "nodes": {
            \(nodes.joined(separator: ",\n"))
              }
            }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func mistakesNearTheEndOfATenThousandNodeGraphAreFoundAtTheirPaths() async throws {
        // On a thread of its own: the concurrency pool has a thread per core, and suites running
        // at the same time wait on it within their own time limits.
        let validation = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<GraphValidation, any Error>) in
            Thread { [self] in
                guard let path = try? writeGraph(nodes: 10_000) else {
                    continuation.resume(throwing: CocoaError(.fileWriteUnknown))
                    return
                }
                defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
                continuation.resume(returning: GraphValidator.validate(
                    manifestAt: path, environment: [:], requireEnvironment: false,
                    loaderOptions: PluginLoaderOptions(searchPaths: [], libraryPaths: []),
                    providers: ["echo": Self.echo, "upper": Self.upper, "numbers": Self.numbers]))
            }.start()
        }
        #expect(validation.manifest?.nodes.count == 10_000)
        #expect(validation.manifest?.secretPaths.count == 7_999)
        #expect(validation.warnings.isEmpty, "\(validation.warnings)")
        #expect(validation.errors.map(\.path) == ["$.nodes.n9997.config.loud", "$.nodes.n9999.subscribe[0]"])
        #expect(validation.errors.last?.message
            == "type mismatch on topic 'g1999.w3': node 'n9998' ($.nodes.n9998.output) emits {application/json} but node 'n9999' accepts {text/*}")
    }
}
