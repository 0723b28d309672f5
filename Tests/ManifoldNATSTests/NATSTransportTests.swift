import Foundation
import Manifold
import ManifoldNATS
import ManifoldNATSTestSupport
import Synchronization
import Testing

/// The JetStream transport against a real `nats-server -js` started for each test.
@Suite("NATS JetStream transport: a hub's topics on a real nats-server")
struct NATSTransportTests {
    /// A hub on `server` for run `run` of graph `g`.
    private static func hub(
        on server: NATSTestServer, run: String, role: JetStreamTransport.Role = .coordinator
    ) throws -> (Hub, NATSSubjects, JetStreamTransport) {
        let subjects = try NATSSubjects(graph: "g", run: run)
        let transport = try JetStreamTransport(
            server: NATSServerURL(server.url), subjects: subjects, role: role,
            settings: JetStreamRunSettings(capacity: 16, ackWait: .seconds(1), connectAttempts: 1))
        return (Hub(options: HubOptions(transport: transport)), subjects, transport)
    }

    @Test("what is published on the hub reaches its own subscribers and every NATS client of the run, with its envelope")
    func publishedArtifactsReachOtherClients() async throws {
        let server = try NATSTestServer()
        let (hub, subjects, _) = try Self.hub(on: server, run: "t1")
        let local = try hub.subscribe("out", name: "sink", capacity: 16)
        let watcher = try NATSConnection(server: NATSServerURL(server.url), name: "watcher")
        let seen = Mutex<[NATSMessage]>([])
        let watching = try watcher.subscribe(subjects.all) { message in seen.withLock { $0.append(message) } }
        try watcher.flush()

        let sent = Artifact(type: .plainText, payload: Data("hi".utf8), metadata: ["k": "v"], origin: "node")
        try await hub.publish(sent, to: Topic("out"))
        #expect(try await Self.first(of: local)?.id == sent.id, "the hub's own subscriber")
        let message = try await Self.poll { seen.withLock { $0.first } }
        #expect(message.subject == "manifold.g.t1.out")
        #expect(message.headers["Manifold-Id"] == sent.id.rawValue && message.headers["Manifold-Type"] == "text/plain")
        #expect(message.headers["Manifold-Origin"] == "node" && message.headers["Manifold-Metadata"] == #"{"k":"v"}"#)
        #expect(message.body == Data("hi".utf8))
        watching.unsubscribe()
        await hub.shutdown()
    }

    @Test("a message another client publishes reaches the subscriptions that hear its topic; one that is no artifact is dead-lettered")
    func messagesFromOtherClients() async throws {
        let server = try NATSTestServer()
        let (hub, subjects, _) = try Self.hub(on: server, run: "t2")
        let inputs = try hub.subscribe("in", name: "node", accepts: [.plainText], capacity: 16)
        let deadLetters = try hub.subscribe(Topic.deadLetter.name, name: "dead", capacity: 16)
        let outsider = try NATSConnection(server: NATSServerURL(server.url), name: "outsider")

        try outsider.publish(NATSMessage(subject: subjects.subject(for: Topic("elsewhere")), headers: ["Manifold-Type": "text/plain"]))
        try outsider.publish(NATSMessage(subject: subjects.subject(for: Topic("in")), body: Data("untyped".utf8)))
        try outsider.publish(NATSEnvelope.message(for: Artifact(type: .plainText, payload: Data("from outside".utf8)), subject: subjects.subject(for: Topic("in"))))
        try outsider.flush()

        let received = try #require(try await Self.first(of: inputs))
        #expect(received.payload == Data("from outside".utf8))
        let dead = try #require(try await Self.first(of: deadLetters))
        #expect(dead.metadata[MetadataKey.deadLetterReason] == DeadLetterReason.malformedMessage.rawValue)
        #expect(dead.payload == Data("untyped".utf8), "the stand-in keeps the bytes")
        #expect(dead.metadata[MetadataKey.deadLetterDetail]?.contains("the NATS message on manifold.g.t2.in has no Manifold-Type header") == true, "\(dead.metadata)")
        await hub.shutdown()
    }

    @Test("a server that cannot be reached is an error naming it (credentials hidden) and the fix")
    func unreachableServer() throws {
        let port = try NATSTestServer.freePort()
        #expect {
            try JetStreamTransport(
                server: NATSServerURL("nats://alice:s3cret@127.0.0.1:\(port)"), subjects: NATSSubjects(graph: "g", run: "r"), role: .worker,
                settings: JetStreamRunSettings(connectAttempts: 2))
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("NATS server nats://***@127.0.0.1:\(port) cannot be reached (tried 2 times): ") && text.contains("fix: start it (nats-server -js)")
                && !text.contains("s3cret") && !text.contains("alice")
        }
    }

    @Test("an input is acknowledged only once its reader settles it; one given back goes to the next reader at once")
    func acknowledgedWhenSettled() async throws {
        let server = try NATSTestServer()
        let (first, _, transport) = try Self.hub(on: server, run: "t3")
        let inputs = first.subscribe([try TopicPattern("in")], name: "node", capacity: 16)
        try await first.publish(Artifact(type: .plainText, payload: Data("one".utf8)), to: Topic("in"))
        var reader = inputs.makeAsyncIterator(settlingAutomatically: false)
        let taken = try #require(try await reader.next())
        let consumer = transport.names.consumer(subscription: "node", index: 0)
        #expect(try transport.jetStream.consumerBacklog(consumer, stream: transport.names.stream).unacknowledged == 1, "taken, not finished")

        // A second process's instance of the node: it gets the input once the first gives it back.
        let (second, _, _) = try Self.hub(on: server, run: "t3", role: .worker)
        let otherInputs = second.subscribe([try TopicPattern("in")], name: "node", capacity: 16)
        // The first instance stops reading (else the broker may hand the input straight back to it).
        inputs.cancel()
        #expect(inputs.giveBack([taken]).isEmpty, "the broker took it back")
        // Read with an iterator that settles what it hands out: that acknowledges it.
        let redelivered = try #require(try await Self.first(of: otherInputs))
        #expect(redelivered.id == taken.id && redelivered.payload == Data("one".utf8))
        let backlog = try await Self.poll {
            let backlog = try? transport.jetStream.consumerBacklog(consumer, stream: transport.names.stream)
            return backlog.flatMap { $0.unacknowledged == 0 && $0.undelivered == 0 ? $0 : nil }
        }
        #expect(backlog.unacknowledged == 0)
        await second.shutdown()
        await first.shutdown()
    }

    /// The first artifact of `subscription`, or `nil` after 5 s.
    static func first(of subscription: Subscription) async throws -> Artifact? {
        try await withThrowingTaskGroup(of: Artifact?.self) { group in
            group.addTask {
                var iterator = subscription.makeAsyncIterator()
                return try await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                subscription.cancel()
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// `value()` once it is not `nil`, polling for up to 5 s.
    static func poll<T>(_ value: () -> T?, sourceLocation: SourceLocation = #_sourceLocation) async throws -> T {
        for _ in 0..<500 {
            if let found = value() { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try #require(value(), "nothing within 5 s", sourceLocation: sourceLocation)
    }
}
