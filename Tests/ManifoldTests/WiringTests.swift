import Foundation
import Manifold
import Testing

@Suite("Wiring checks")
struct WiringTests {
    static func producer(_ node: String, to topic: String, emits: [String]) -> NodePorts {
        NodePorts(node: node, output: parseTopic(topic), emits: ArtifactTypeSet(emits.map(parseType)))
    }

    static func consumer(_ node: String, listens patterns: [String], accepts: [String]) -> NodePorts {
        NodePorts(node: node, subscriptions: patterns.map(parsePattern), accepts: ArtifactTypeSet(accepts.map(parseType)))
    }

    static func mismatches(_ error: WiringError?) -> [WiringMismatch] {
        guard case .typeMismatch(let mismatches)? = error else { return [] }
        return mismatches
    }

    @Test("a consumer whose types cannot meet its producer's is refused, naming topic, nodes and type sets")
    func mismatch() throws {
        let hub = Hub()
        try hub.connect(Self.producer("writer", to: "docs", emits: ["text/markdown"]))
        let error = #expect(throws: WiringError.self) {
            try hub.connect(Self.consumer("reader", listens: ["docs"], accepts: ["application/json", "chat/message"]))
        }
        let found = Self.mismatches(error)
        #expect(found.count == 1)
        let mismatch = try #require(found.first)
        #expect(mismatch.topic == parseTopic("docs"))
        #expect(mismatch.producer == "writer" && mismatch.consumer == "reader")
        #expect(mismatch.producerTypes == [parseType("text/markdown")])
        #expect(mismatch.consumerTypes == [.json, .chatMessage])
        #expect(mismatch.consumerPattern == parsePattern("docs"))
        expectDescription(
            error, contains: "type mismatch on topic 'docs'", "'writer' emits {text/markdown}",
            "'reader' (subscribed to 'docs') accepts {application/json, chat/message}", "put a converting node between them")
        #expect(hub.connectedNodes.map(\.node) == ["writer"], "a refused node is not registered")
    }

    @Test("the check runs whichever side connects last")
    func consumerFirst() throws {
        let hub = Hub()
        try hub.connect(Self.consumer("reader", listens: ["docs"], accepts: ["application/json"]))
        let error = #expect(throws: WiringError.self) {
            try hub.connect(Self.producer("writer", to: "docs", emits: ["text/plain"]))
        }
        #expect(Self.mismatches(error).map(\.producer) == ["writer"])
        #expect(hub.connectedNodes.map(\.node) == ["reader"])
    }

    @Test("matching types connect, including through wildcards and +json suffixes")
    func compatible() throws {
        let hub = Hub()
        try hub.connect(Self.producer("writer", to: "docs", emits: ["text/markdown"]))
        try hub.connect(Self.consumer("any-text", listens: ["docs"], accepts: ["text/*"]))
        try hub.connect(Self.producer("orders", to: "orders", emits: ["application/vnd.acme.order+json"]))
        try hub.connect(Self.consumer("json", listens: ["orders"], accepts: ["application/json"]))
        try hub.connect(Self.consumer("everything", listens: [">"], accepts: ["*/*"]))
        #expect(hub.connectedNodes.map(\.node) == ["any-text", "everything", "json", "orders", "writer"])
    }

    @Test("fan-in: of two producers on one topic, only the one the consumer cannot take is listed")
    func fanIn() throws {
        let hub = Hub()
        try hub.connect(Self.producer("texter", to: "in", emits: ["text/plain"]))
        try hub.connect(Self.producer("jsoner", to: "in", emits: ["application/json"]))
        let error = #expect(throws: WiringError.self) {
            try hub.connect(Self.consumer("sink", listens: ["in"], accepts: ["text/plain"]))
        }
        let found = Self.mismatches(error)
        #expect(found.count == 1)
        #expect(found.first?.producer == "jsoner")
        #expect(found.first?.producerTypes == [.json])
    }

    @Test("a pattern consumer is checked against every producer whose topic it matches")
    func patternConsumer() throws {
        let hub = Hub()
        try hub.connect(Self.producer("coder", to: "agents.coder.out", emits: ["chat/message"]))
        try hub.connect(Self.producer("tester", to: "agents.tester.out", emits: ["tool/call"]))
        try hub.connect(Self.producer("other", to: "other.out", emits: ["tool/call"]))
        try hub.connect(Self.producer("deep", to: "agents.a.b.out", emits: ["tool/call"]))
        let error = #expect(throws: WiringError.self) {
            try hub.connect(Self.consumer("watcher", listens: ["agents.*.out"], accepts: ["chat/message"]))
        }
        let found = Self.mismatches(error)
        #expect(found.map(\.producer) == ["tester"])
        #expect(found.first?.topic == parseTopic("agents.tester.out"))
        #expect(found.first?.consumerPattern == parsePattern("agents.*.out"))

        try hub.connect(Self.consumer("chat-watcher", listens: ["agents.coder.out"], accepts: ["chat/*"]))
    }

    @Test("every mismatch is reported at once, sorted by topic then producer")
    func allMismatchesSorted() throws {
        let hub = Hub()
        try hub.connect(Self.producer("p-b", to: "b", emits: ["image/png"]))
        try hub.connect(Self.producer("p-c", to: "c", emits: ["image/png"]))
        try hub.connect(Self.producer("p-a2", to: "a", emits: ["image/png"]))
        try hub.connect(Self.producer("p-a1", to: "a", emits: ["image/gif"]))
        try hub.connect(Self.producer("fine", to: "a", emits: ["text/plain"]))
        let error = #expect(throws: WiringError.self) {
            try hub.connect(Self.consumer("sink", listens: ["a", "b", "c"], accepts: ["text/plain"]))
        }
        let found = Self.mismatches(error)
        #expect(found.map { "\($0.topic)/\($0.producer)" } == ["a/p-a1", "a/p-a2", "b/p-b", "c/p-c"])
        #expect(found == found.sorted())
        let lines = "\(try #require(error))".split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.first?.contains("'p-a1' emits {image/gif}") == true)
    }

    @Test("a producer is checked against existing consumers, and a node may feed itself")
    func producerAgainstConsumers() throws {
        let hub = Hub()
        try hub.connect(Self.consumer("a", listens: ["t"], accepts: ["text/plain"]))
        try hub.connect(Self.consumer("b", listens: ["t.>", "t"], accepts: ["application/json"]))
        let error = #expect(throws: WiringError.self) {
            try hub.connect(Self.producer("p", to: "t", emits: ["text/plain"]))
        }
        #expect(Self.mismatches(error).map(\.consumer) == ["b"])

        let loop = NodePorts(
            node: "loop", subscriptions: [parsePattern("loop")], accepts: [.json], output: parseTopic("loop"), emits: [.plainText])
        let loopError = #expect(throws: WiringError.self) { try hub.connect(loop) }
        #expect(Self.mismatches(loopError).map { "\($0.producer)->\($0.consumer)" } == ["loop->loop"])
    }

    @Test("a duplicate node id is refused")
    func duplicateNode() throws {
        let hub = Hub()
        try hub.connect(Self.producer("x", to: "t", emits: ["text/plain"]))
        let error = #expect(throws: WiringError.self) {
            try hub.connect(Self.consumer("x", listens: ["u"], accepts: ["*/*"]))
        }
        #expect(error == .duplicateNode("x"))
        expectDescription(error, contains: "node 'x' is already connected to this hub; node ids must be unique")
    }

    @Test("disconnect forgets a node: its id can be reused and its edges no longer count")
    func disconnectAndReconnect() throws {
        let hub = Hub()
        try hub.connect(Self.producer("writer", to: "docs", emits: ["image/png"]))
        #expect(throws: WiringError.self) {
            try hub.connect(Self.consumer("reader", listens: ["docs"], accepts: ["text/plain"]))
        }
        hub.disconnect(node: "writer")
        #expect(hub.connectedNodes.isEmpty)
        try hub.connect(Self.consumer("reader", listens: ["docs"], accepts: ["text/plain"]))
        try hub.connect(Self.producer("writer", to: "docs", emits: ["text/plain"]))
        hub.disconnect(node: "reader")
        hub.disconnect(node: "never-connected")
        try hub.connect(Self.consumer("reader", listens: ["docs"], accepts: ["text/*"]))
        #expect(hub.connectedNodes.map(\.node) == ["reader", "writer"])
    }
}
