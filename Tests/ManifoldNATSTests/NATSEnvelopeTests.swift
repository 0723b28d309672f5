import Foundation
import Manifold
import ManifoldNATS
import Testing

@Suite("NATS: an artifact as headers and a body")
struct NATSEnvelopeTests {
    @Test("every field survives the trip: id, type with parameters, metadata, binary payload, origin, correlation, time")
    func roundTrip() throws {
        let created = Date(timeIntervalSince1970: 1_796_000_000.123456)
        let artifact = Artifact(
            id: ArtifactID("a-1"), type: try ArtifactType(parsing: "text/plain; charset=utf-8"), payload: Data([0, 1, 2, 255]),
            metadata: ["key with spaces": "välue", "x": ""], createdAt: created, origin: "shout", correlationID: "c-9")
        let message = NATSEnvelope.message(for: artifact, subject: "manifold.g.r.out")
        #expect(message.subject == "manifold.g.r.out")
        #expect(message.headers["Manifold-Id"] == "a-1" && message.headers["Nats-Msg-Id"] == "a-1")
        #expect(message.headers["Manifold-Type"] == "text/plain;charset=utf-8", "the type's canonical text")
        #expect(message.headers["Manifold-Metadata"] == #"{"key with spaces":"välue","x":""}"#)
        #expect(message.body == Data([0, 1, 2, 255]))
        let back = try NATSEnvelope.artifact(from: message)
        #expect(back.id == artifact.id && back.type == artifact.type && back.payload == artifact.payload)
        #expect(back.metadata == artifact.metadata && back.origin == "shout" && back.correlationID == "c-9")
        #expect(abs(back.createdAt.timeIntervalSince(created)) < 1e-6)
    }

    @Test("metadata with quotes, backslashes, control characters and any Unicode is JSON any parser reads back")
    func metadataOfEveryKind() throws {
        let metadata = ["quote\"key": "back\\slash", "ctl": "a\u{1}b\nc\td\re\u{1F}", "ünï": "🙂 e\u{301}", "": ""]
        let message = NATSEnvelope.message(for: Artifact(type: .plainText, metadata: metadata), subject: "s")
        let text = try #require(message.headers["Manifold-Metadata"])
        #expect(text.hasPrefix(#"{"":"","ctl":"a\u0001b\nc\td\re\u001f","#), "sorted keys, escapes: \(text)")
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(parsed == metadata)
        #expect(try NATSEnvelope.artifact(from: message).metadata == metadata)
    }

    @Test("what another program may leave out: id, time, metadata, origin")
    func minimalMessage() throws {
        let artifact = try NATSEnvelope.artifact(from: NATSMessage(subject: "s", headers: ["Manifold-Type": "application/json"], body: Data("{}".utf8)))
        #expect(artifact.type == .json && artifact.payload == Data("{}".utf8))
        #expect(!artifact.id.rawValue.isEmpty && artifact.metadata.isEmpty && artifact.origin == nil)
    }

    @Test(
        "a message that is no artifact is refused with what is wrong and the fix",
        arguments: [
            ([:], "has no Manifold-Type header; set it to the payload's type, e.g. text/plain"),
            (["Manifold-Type": "not a type"], "has a Manifold-Type that is no type"),
            (["Manifold-Type": "text/plain", "Manifold-Metadata": "[1]"], "has a Manifold-Metadata header that is not a JSON object of strings"),
            (["Manifold-Type": "text/plain", "Manifold-Created-At": "yesterday"], "has a Manifold-Created-At that is not a whole number of nanoseconds since 1970"),
        ] as [([String: String], String)])
    func refused(headers: [String: String], problem: String) {
        #expect {
            try NATSEnvelope.artifact(from: NATSMessage(subject: "manifold.g.r.in", headers: headers))
        } throws: { error in
            "\(error)".hasPrefix("the NATS message on manifold.g.r.in ") && "\(error)".contains(problem)
        }
    }
}

@Suite("NATS: a run's subjects and the server's URL")
struct NATSNamingTests {
    @Test func topicsAreSubjectsUnderTheRun() throws {
        let subjects = try NATSSubjects(graph: "pipeline", run: "r1")
        #expect(subjects.subject(for: try Topic("agents.coder.out")) == "manifold.pipeline.r1.agents.coder.out")
        #expect(subjects.all == "manifold.pipeline.r1.>")
        #expect(subjects.topic(ofSubject: "manifold.pipeline.r1.agents.coder.out") == (try Topic("agents.coder.out")))
        #expect(subjects.topic(ofSubject: "manifold.pipeline.r2.out") == nil, "another run's subject")
        #expect(subjects.topic(ofSubject: "manifold.pipeline.r1.") == nil)
    }

    @Test func aGraphNameOrRunIdThatCannotBeATokenIsRefused() {
        #expect { try NATSSubjects(graph: "my.graph", run: "r") } throws: { "\($0)".contains("the graph name \"my.graph\" cannot be part of a NATS subject") }
        #expect { try NATSSubjects(graph: "g", run: "a b") } throws: { "\($0)".contains("the run id \"a b\" cannot be part of a NATS subject") }
    }

    @Test func credentialsAreNeverShown() throws {
        let url = try NATSServerURL("nats://alice:s3cret@127.0.0.1:4333")
        #expect(url.redacted == "nats://***@127.0.0.1:4333" && "\(url)" == url.redacted)
        #expect(try NATSServerURL("nats://example.org").redacted == "nats://example.org:4222")
        #expect(NATSServerURL.scrub("http://bob:pw@host") == "http://***@host")
        #expect { try NATSServerURL("http://bob:pw@host:1") } throws: { error in
            "\(error)".contains("http://***@host:1 is not a NATS server URL") && !"\(error)".contains("pw")
        }
        #expect { try NATSServerURL("nats://host:1/path") } throws: { "\($0)".contains("has a path, query or fragment") }
    }

    @Test func aTLSURLKeepsItsSchemeAndAsksForTLS() throws {
        let secure = try NATSServerURL("tls://carol:pw9@nats.internal:4443")
        #expect(secure.isTLS && secure.redacted == "tls://***@nats.internal:4443")
        #expect(try !NATSServerURL("nats://nats.internal").isTLS)
        #expect(NATSServerURL.looksLikeURL("tls://x") && NATSServerURL.looksLikeURL("nats://x") && !NATSServerURL.looksLikeURL("kafka://x"))
        #expect { try NATSServerURL("tcp://host:1") } throws: { "\($0)".contains("tls://HOST:PORT for TLS") }
    }
}
