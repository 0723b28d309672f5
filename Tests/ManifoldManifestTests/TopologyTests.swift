import Manifold
import ManifoldManifest
import Testing

@Suite("Graph topology")
struct TopologyTests {
    /// A graph from node lines such as `"a": {"subscribe": ["in"], "output": "x"}` (plugin added).
    func graph(inputs: String = #""in": {"topic": "in"}"#, outputs: String = "", nodes: [String], allowCycles: Bool = false) throws -> GraphManifest {
        let body = nodes.map { line -> String in
            let split = line.range(of: "{")!
            return line[..<split.upperBound] + #""plugin": "p", "# + line[split.upperBound...]
        }.joined(separator: ", ")
        return try Support.graph("""
            {"manifold": 1, "name": "g", "allowCycles": \(allowCycles), "inputs": {\(inputs)}, "outputs": {\(outputs)}, "nodes": {\(body)}}
            """)
    }

    @Test func aValidPipelineHasNoFindingsAndItsEdges() throws {
        let graph = try self.graph(
            outputs: #""result": {"topic": "b.out"}"#,
            nodes: [#""a": {"subscribe": ["in"], "output": "a.out"}"#, #""b": {"subscribe": ["a.out"], "output": "b.out"}"#])
        let (errors, warnings) = graph.checkTopology()
        #expect(errors.isEmpty && warnings.isEmpty)
        #expect(graph.edges().map(\.description) == [
            "graph input 'in' → node 'a' on 'in'", "node 'a' → node 'b' on 'a.out'", "node 'b' → graph output 'result' on 'b.out'",
        ])
        #expect(graph.edges().map { "\($0.producerPath) → \($0.consumerPath)" } == [
            "$.inputs.in.topic → $.nodes.a.subscribe[0]", "$.nodes.a.output → $.nodes.b.subscribe[0]", "$.nodes.b.output → $.outputs.result.topic",
        ])
        #expect(graph.edges()[1].producer == .node("a") && graph.edges()[1].consumer == .node("b"))
        #expect(graph.edges()[2].subscription.text == "b.out")
    }

    @Test func unmatchedSubscriptionIsAnErrorListingProducers() throws {
        let graph = try self.graph(nodes: [
            #""a": {"subscribe": ["in"], "output": "drafts"}"#, #""b": {"subscribe": ["draft", "nothing.*"], "output": "b"}"#,
        ])
        let (errors, _) = graph.checkTopology()
        #expect(errors.lines == [
            "$.nodes.b.subscribe[0]: nothing publishes to 'draft'; producers publish to: b, drafts, in",
            "$.nodes.b.subscribe[1]: nothing publishes to a topic matching 'nothing.*'; producers publish to: b, drafts, in",
        ])
        #expect(errors.first?.fix == "did you mean 'drafts'? Otherwise publish to it from a node's \"output\" or a graph input's \"topic\"")
        #expect(errors.last?.fix == "publish to it from a node's \"output\" or a graph input's \"topic\"")
    }

    @Test func unreadOutputsAndInputsAreWarnings() throws {
        let graph = try self.graph(inputs: #""in": {"topic": "in"}, "side": {"topic": "side"}"#, nodes: [#""a": {"subscribe": ["in"], "output": "shouted"}"#])
        let (errors, warnings) = graph.checkTopology()
        #expect(errors.isEmpty)
        #expect(warnings.lines == [
            "$.inputs.side.topic: nothing reads topic 'side' of graph input 'side': no node subscribes to it",
            "$.nodes.a.output: nothing reads topic 'shouted': no node subscribes to it and no graph output uses it",
        ])
        #expect(warnings.last?.fix?.contains("$dead-letter") == true)
    }

    @Test func graphOutputNobodyProducesIsAnError() throws {
        let graph = try self.graph(outputs: #""result": {"topic": "reslt"}, "errors": {"topic": "$errors"}"#, nodes: [#""a": {"subscribe": ["in"], "output": "result"}"#])
        let (errors, warnings) = graph.checkTopology()
        #expect(errors.lines == ["$.outputs.result.topic: nothing publishes to 'reslt' for graph output 'result'; producers publish to: in, result"])
        #expect(errors.first?.fix == "did you mean 'result'? Otherwise set a node's \"output\" to 'reslt'")
        #expect(warnings.lines == ["$.nodes.a.output: nothing reads topic 'result': no node subscribes to it and no graph output uses it"])
    }

    @Test func cyclesAreErrorsUnlessAllowed() throws {
        let nodes = [
            #""planner": {"subscribe": ["in", "tool.result"], "output": "plan"}"#,
            #""agent": {"subscribe": ["plan"], "output": "tool.call"}"#,
            #""tools": {"subscribe": ["tool.call"], "output": "tool.result"}"#,
        ]
        let (errors, _) = try graph(nodes: nodes).checkTopology()
        #expect(errors.lines == ["$.nodes.planner.subscribe[1]: nodes form a cycle: planner → agent → tools → planner"])
        #expect(errors.first?.fix == "if the loop is intended (agent/tool loops), set \"allowCycles\": true at the top level; otherwise remove a subscription on the cycle")
        let allowed = try graph(nodes: nodes, allowCycles: true)
        #expect(allowed.allowCycles)
        #expect(allowed.checkTopology().errors.isEmpty)
        #expect(allowed.checkTopology().warnings.isEmpty)
    }

    @Test func selfLoopsAndSeparateCycles() throws {
        let graph = try self.graph(nodes: [
            #""echo": {"subscribe": ["in", "echo"], "output": "echo"}"#,
            #""x": {"subscribe": ["in", "y"], "output": "x"}"#,
            #""y": {"subscribe": ["x"], "output": "y"}"#,
        ])
        #expect(graph.checkTopology().errors.lines == [
            "$.nodes.echo.subscribe[1]: nodes form a cycle: echo → echo",
            "$.nodes.x.subscribe[1]: nodes form a cycle: x → y → x",
        ])
    }

    @Test func fanOutAndFanIn() throws {
        let graph = try self.graph(
            outputs: #""all": {"topic": "merged"}"#,
            nodes: [
                #""left": {"subscribe": ["in"], "output": "merged"}"#, #""right": {"subscribe": ["in"], "output": "merged"}"#,
                #""sink": {"subscribe": ["merged"]}"#,
            ])
        let edges = graph.edges().map(\.description)
        #expect(edges == [
            "graph input 'in' → node 'left' on 'in'", "graph input 'in' → node 'right' on 'in'",
            "node 'left' → node 'sink' on 'merged'", "node 'right' → node 'sink' on 'merged'",
            "node 'left' → graph output 'all' on 'merged'", "node 'right' → graph output 'all' on 'merged'",
        ])
        #expect(graph.checkTopology().errors.isEmpty && graph.checkTopology().warnings.isEmpty)
    }

    @Test func wildcardSubscriptions() throws {
        let graph = try self.graph(nodes: [
            #""coder": {"subscribe": ["in"], "output": "agents.coder.out"}"#,
            #""critic": {"subscribe": ["in"], "output": "agents.critic.out"}"#,
            #""one": {"subscribe": ["agents.*.out"]}"#,
            #""all": {"subscribe": ["agents.>"]}"#,
            #""errors": {"subscribe": ["$errors"]}"#,
        ])
        let edges = graph.edges()
        #expect(edges.filter { $0.consumer == .node("one") }.map(\.topic.name) == ["agents.coder.out", "agents.critic.out"])
        #expect(edges.filter { $0.consumer == .node("all") }.map(\.consumerPath) == ["$.nodes.all.subscribe[0]", "$.nodes.all.subscribe[0]"])
        #expect(edges.filter { $0.consumer == .node("one") }.first?.subscription.text == "agents.*.out")
        #expect(!edges.contains { $0.consumer == .node("errors") })
        #expect(graph.checkTopology().errors.isEmpty && graph.checkTopology().warnings.isEmpty)
    }

    @Test func nothingPublishedAtAll() throws {
        let graph = try self.graph(inputs: "", nodes: [#""a": {"subscribe": ["x"]}"#])
        #expect(graph.checkTopology().errors.lines == ["$.nodes.a.subscribe[0]: nothing publishes to 'x'; no node has an \"output\" and the graph has no inputs"])
    }

    @Test func findingsAreSortedAndDeduplicated() throws {
        let graph = try self.graph(nodes: [#""b": {"subscribe": ["q", "q"]}"#, #""a": {"subscribe": ["z"]}"#])
        #expect(graph.checkTopology().errors.map(\.jsonPath) == ["$.nodes.a.subscribe[0]", "$.nodes.b.subscribe[0]", "$.nodes.b.subscribe[1]"])
    }
}
