import Foundation
import Manifold
import ManifoldJSON
import ManifoldManifest
import Testing

@Suite("Graph manifests")
struct GraphManifestTests {
    static let example = """
        {
          "manifold": 1, "name": "pipeline", "description": "Shouts.",
          "plugins": ["../manifests/plugins", "/opt/plugins", "plugins/"],
          "hub": { "capacity": 16, "policy": "drop-oldest", "transport": "in-process" },
          "inputs": { "prompt": { "topic": "input", "types": ["text/plain"], "description": "What to shout." } },
          "outputs": { "result": { "topic": "shouted" } },
          "allowCycles": false,
          "nodes": {
            "shout": {
              "plugin": "uppercase", "config": { "suffix": "!" },
              "middleware": [ { "plugin": "log", "config": { "destination": "stderr" } }, { "plugin": "filter" } ],
              "subscribe": ["input"], "output": "shouted", "concurrency": 2,
              "errorPolicy": "stop", "capacity": 64, "policy": "fail", "description": "Uppercases."
            },
            "audit": { "plugin": "echo", "subscribe": ["shouted", "input"] }
          }
        }
        """

    @Test func parsesEveryField() throws {
        let graph = try Support.graph(Self.example, file: "/work/graphs/pipeline.json")
        #expect(graph.file == "/work/graphs/pipeline.json")
        #expect(graph.formatVersion == 1)
        #expect(graph.name == "pipeline")
        #expect(graph.description == "Shouts.")
        #expect(graph.pluginPaths == ["/work/manifests/plugins", "/opt/plugins", "/work/graphs/plugins"])
        #expect(graph.hub == HubSettings(capacity: 16, policy: .dropOldest, transport: .inProcess))
        #expect(graph.inputs.map(\.name) == ["prompt"])
        #expect(graph.inputs.first?.topic.name == "input")
        #expect(graph.inputs.first?.types == [.plainText])
        #expect(graph.inputs.first?.description == "What to shout.")
        #expect(graph.inputs.first?.path == "$.inputs.prompt")
        #expect(graph.outputs.first?.types == .any)
        #expect(graph.outputs.first?.topicPath == "$.outputs.result.topic")
        #expect(graph.allowCycles == false)

        let shout = try #require(graph.node("shout"))
        #expect(shout.plugin == "uppercase")
        #expect(shout.config == ["suffix": "!"])
        #expect(shout.middleware.map(\.plugin) == ["log", "filter"])
        #expect(shout.middleware.map(\.config) == [["destination": "stderr"], [:]])
        #expect(shout.subscribe.map(\.text) == ["input"])
        #expect(shout.output?.name == "shouted")
        #expect(shout.concurrency == 2)
        #expect(shout.errorPolicy == .stop)
        #expect(shout.capacity == 64)
        #expect(shout.policy == .fail)
        #expect(shout.description == "Uppercases.")

        let audit = try #require(graph.node("audit"))
        #expect(audit.config == [:])
        #expect(audit.middleware.isEmpty)
        #expect(audit.output == nil)
        #expect(audit.concurrency == 1)
        #expect(audit.errorPolicy == .continue)
        #expect(audit.capacity == nil)
        #expect(audit.policy == nil)
    }

    @Test func defaults() throws {
        let graph = try Support.graph(#"{"manifold": 1, "name": "g", "nodes": {"n": {"plugin": "p", "subscribe": ["t"]}}}"#)
        #expect(graph.hub == HubSettings())
        #expect(graph.hub.capacity == 1024 && graph.hub.policy == .block && graph.hub.transport == .inProcess)
        #expect(graph.inputs.isEmpty && graph.outputs.isEmpty && graph.pluginPaths.isEmpty)
        #expect(graph.allowCycles == false)
        #expect(graph.description == nil)
        #expect(!graph.isResolved)
    }

    @Test func nodesKeepTheFileOrderWhenReadFromText() throws {
        let text = #"{"manifold": 1, "name": "g", "nodes": {"zeta": {"plugin": "p", "subscribe": ["t"]}, "alpha": {"plugin": "p", "subscribe": ["t"]}, "mid": {"plugin": "p", "subscribe": ["t"]}}, "inputs": {"z": {"topic": "t"}, "a": {"topic": "t"}}}"#
        let fromText = try Support.graph(text)
        #expect(fromText.nodes.map(\.id) == ["zeta", "alpha", "mid"])
        #expect(fromText.inputs.map(\.name) == ["z", "a"])
        let fromValue = try GraphManifest.parse(try JSONValue(parsing: text), file: "g.json")
        #expect(fromValue.nodes.map(\.id) == ["alpha", "mid", "zeta"])
    }

    @Test func loadsFromAFileAndResolvesPluginPathsAgainstItsFolder() throws {
        let folder = try Support.temporaryFolder()
        defer { Support.remove(folder) }
        try FileManager.default.createDirectory(atPath: folder + "/graphs", withIntermediateDirectories: true)
        try Support.write(Self.example, to: folder + "/graphs/g.json")
        let graph = try GraphManifest.load(from: folder + "/graphs/g.json")
        let root = (folder as NSString).standardizingPath
        #expect(graph.pluginPaths.first.map { ($0 as NSString).standardizingPath } == root + "/manifests/plugins")
        #expect(graph.nodes.map(\.id) == ["shout", "audit"])
        let missing = Support.errors { () throws(ManifestErrors) in try GraphManifest.load(from: folder + "/nope.json") }
        #expect(missing.lines == ["$: cannot read the graph manifest: no such file"])
    }

    @Test func collectsEveryErrorInOnePass() {
        let text = """
            {
              "manifold": 2, "name": "", "extra": true,
              "plugins": ["", 3],
              "hub": { "capacity": 0, "policy": "drop-all", "transport": "nats", "capasity": 1 },
              "inputs": { "prompt": { "topic": "in put", "types": ["text"] }, "bad name": { "topic": "x" } },
              "outputs": { "result": { "topic": "$errors", "typs": [] } },
              "allowCycles": "no",
              "nodes": {
                "coder": {
                  "plugin": "Coder", "subscribe": ["a.>.b", "ok"], "output": "$errors", "concurrency": 0,
                  "errorPolicy": "halt", "capacity": -1, "policy": "drop", "subscrbe": [],
                  "middleware": [ { "plugin": "log", "confg": {} }, "retry" ]
                },
                "x.y": { "plugin": "p", "subscribe": [] }
              }
            }
            """
        let errors = Support.errors { () throws(ManifestErrors) in try Support.graph(text) }
        #expect(errors.lines == [
            "$.allowCycles: expected true or false, got string \"no\"",
            "$.extra: unknown key 'extra'",
            "$.hub.capacity: must be at least 1, got 0",
            "$.hub.capasity: unknown key 'capasity'",
            "$.hub.policy: unknown backpressure policy \"drop-all\"",
            "$.hub.transport: transport \"nats\" is not supported; this Manifold supports \"in-process\" and NATS servers (nats://HOST:PORT, or tls://HOST:PORT)",
            "$.inputs.prompt.topic: topic \"in put\" has whitespace in token 'in put'; write dot-separated tokens such as agents.coder.out (patterns may use * for one token and a final > for one or more)",
            "$.inputs.prompt.types[0]: artifact type \"text\" has no '/' after 'text' (column 5); expected type/subtype, e.g. text/plain or text/*",
            "$.inputs['bad name']: graph input name \"bad name\" is invalid: use letters, digits, '_' and '-', starting with a letter, digit or '_'",
            "$.manifold: graph manifest format 2 is not supported; this Manifold reads format 1",
            "$.name: must not be empty",
            "$.nodes.coder.capacity: must be at least 1, got -1",
            "$.nodes.coder.concurrency: must be at least 1, got 0",
            "$.nodes.coder.errorPolicy: unknown error policy \"halt\"",
            "$.nodes.coder.middleware[0].confg: unknown key 'confg'",
            "$.nodes.coder.middleware[1]: expected a middleware layer as a JSON object, got string \"retry\"",
            "$.nodes.coder.output: '$errors' is a system topic of the hub; nodes and graph inputs publish to ordinary topics",
            "$.nodes.coder.plugin: plugin name \"Coder\" is invalid: use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit",
            "$.nodes.coder.policy: unknown backpressure policy \"drop\"",
            "$.nodes.coder.subscrbe: unknown key 'subscrbe'",
            "$.nodes.coder.subscribe[0]: topic \"a.>.b\" has '>' before the last token; write dot-separated tokens such as agents.coder.out (patterns may use * for one token and a final > for one or more)",
            "$.nodes['x.y']: node id \"x.y\" is invalid: use letters, digits, '_' and '-', starting with a letter, digit or '_'",
            "$.outputs.result.typs: unknown key 'typs'",
            "$.plugins[0]: a plugin search path must not be empty",
            "$.plugins[1]: expected a string, got integer 3",
        ])
        let fixes = Dictionary(errors.map { ($0.jsonPath, $0.fix ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(fixes["$.nodes.coder.subscrbe"] == "did you mean 'subscribe'?")
        #expect(fixes["$.hub.capasity"] == "did you mean 'capacity'?")
        #expect(fixes["$.outputs.result.typs"] == "did you mean 'types'?")
        #expect(fixes["$.nodes.coder.middleware[0].confg"] == "did you mean 'config'?")
        #expect(fixes["$.nodes.coder.errorPolicy"] == "use \"continue\" or \"stop\"")
        #expect(fixes["$.hub.policy"] == "use one of \"block\", \"drop-oldest\", \"drop-newest\", \"fail\"")
        #expect(fixes["$.extra"]?.hasPrefix("remove it; allowed keys here: $schema, manifold, name") == true)
    }

    @Test func requiredKeysAndEmptyNodes() {
        #expect(Support.errors { () throws(ManifestErrors) in try Support.graph("{}") }.lines == [
            "$.manifold: missing required key 'manifold'", "$.name: missing required key 'name'", "$.nodes: missing required key 'nodes'",
        ])
        #expect(Support.errors { () throws(ManifestErrors) in try Support.graph(#"{"manifold": 1, "name": "g", "nodes": {}}"#) }.lines == [
            "$.nodes: the graph has no nodes"
        ])
        #expect(Support.errors { () throws(ManifestErrors) in try Support.graph(#"{"manifold": 1, "name": "g", "nodes": {"n": {}}}"#) }.lines == [
            "$.nodes.n.plugin: missing required key 'plugin'",
        ])
        #expect(Support.errors { () throws(ManifestErrors) in try Support.graph(#"{"manifold": "1", "name": "g", "nodes": []}"#) }.lines == [
            "$.manifold: expected an integer, got string \"1\"", "$.nodes: expected an object, got array of 0 items",
        ])
    }

    @Test func duplicateNodeIdsInTheTextAreErrors() {
        let text = """
            {"manifold": 1, "name": "g", "nodes": {
              "a": {"plugin": "p", "subscribe": ["t"]},
              "a": {"plugin": "q", "subscribe": ["t"]}
            }}
            """
        #expect(Support.errors { () throws(ManifestErrors) in try Support.graph(text) }.lines == [
            "$.nodes.a: key 'a' is written twice in the same object (lines 2 and 3)"
        ])
    }

    /// JSON compares names by code points: NFC "é" and NFD "e\u{301}" are two keys, not a duplicate.
    @Test func keysDifferingOnlyByNormalisationAreNotDuplicates() throws {
        let text = "{\"manifold\": 1, \"name\": \"g\", \"nodes\": {\"n\": {\"plugin\": \"p\", \"subscribe\": [\"t\"], "
            + "\"config\": {\"\u{E9}\": 1, \"e\u{301}\": 2}}}}"
        let graph = try Support.graph(text)
        let config = try #require(graph.nodes.first?.config.objectValue)
        #expect(config.count == 2)
        #expect(config["\u{E9}"] == 1)
        #expect(config["e\u{301}"] == 2)
    }

    @Test func namesOfNodesInputsAndOutputsMustBeDistinct() {
        let text = """
            {"manifold": 1, "name": "g",
             "inputs": {"chat": {"topic": "in"}, "shared": {"topic": "in2"}},
             "outputs": {"chat": {"topic": "out"}, "result": {"topic": "out"}},
             "nodes": {"shared": {"plugin": "p", "subscribe": ["in"], "output": "out"}, "result": {"plugin": "p", "subscribe": ["in"]}}}
            """
        let errors = Support.errors { () throws(ManifestErrors) in try Support.graph(text) }
        #expect(errors.lines == [
            "$.nodes.result: node id 'result' is also the name of a graph output",
            "$.nodes.shared: node id 'shared' is also the name of a graph input",
            "$.outputs.chat: graph output 'chat' has the same name as a graph input",
        ])
    }

    @Test func graphOutputsMayListenToSystemTopicsAndNodesMaySubscribeToThem() throws {
        let graph = try Support.graph("""
            {"manifold": 1, "name": "g", "inputs": {"in": {"topic": "in"}}, "outputs": {"errors": {"topic": "$errors"}},
             "nodes": {"n": {"plugin": "p", "subscribe": ["in"]}, "watch": {"plugin": "p", "subscribe": ["$dead-letter"]}}}
            """)
        #expect(graph.outputs.first?.topic == .errors)
        let inputs = Support.errors { () throws(ManifestErrors) in
            try Support.graph(#"{"manifold": 1, "name": "g", "inputs": {"in": {"topic": "$in"}}, "nodes": {"n": {"plugin": "p", "subscribe": ["x"]}}}"#)
        }
        #expect(inputs.lines == ["$.inputs.in.topic: '$in' is a system topic of the hub; nodes and graph inputs publish to ordinary topics"])
    }

    @Test func schemaKeyIsAllowedForEditors() throws {
        let graph = try Support.graph(#"{"$schema": "../manifests/schema/graph.schema.json", "manifold": 1, "name": "g", "nodes": {"n": {"plugin": "p", "subscribe": ["t"]}}}"#)
        #expect(graph.name == "g")
    }
}
