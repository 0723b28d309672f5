import Foundation
import ManifoldNATS
import ManifoldNATSTestSupport
import Testing

/// `JetStream.publish` returns once the server stored every message, and tells "not now" from
/// "no": a server whose JetStream does not answer yet (just restarted) is asked again until
/// the time limit; a refusal is an error at once.
@Suite("JetStream publish: stored, retried, refused")
struct JetStreamPublishTests {
    static func message(_ subject: String, id: String) -> NATSMessage {
        NATSMessage(subject: subject, headers: ["Nats-Msg-Id": id], body: Data("payload".utf8))
    }

    @Test("nobody answers on the subject yet (no stream): sent again until a stream takes it")
    func sentAgainUntilAStreamTakesIt() async throws {
        let server = try NATSTestServer()
        let jetStream = try JetStream(connection: NATSConnection(server: NATSServerURL(server.url), name: "publish test"))
        let subject = "late.\(UUID().uuidString.prefix(8))"
        let publishing = Task { try await jetStream.publish([Self.message(subject, id: "m1"), Self.message(subject, id: "m2")], timeout: .seconds(20)) }
        // No stream hears the subject: each try is answered "no responders".
        try await Task.sleep(for: .milliseconds(400))
        try jetStream.addStream(name: "LATE_\(subject.dropFirst(5))", subjects: [subject], duplicateWindow: .seconds(60), maxAge: .seconds(60))
        try await publishing.value
        #expect(try jetStream.lastSequence(ofStream: "LATE_\(subject.dropFirst(5))") == 2, "each message stored once")
    }

    @Test("still nobody at the time limit: the error says so, with the server's last answer")
    func givesUpAtTheTimeLimit() async throws {
        let server = try NATSTestServer()
        let jetStream = try JetStream(connection: NATSConnection(server: NATSServerURL(server.url), name: "publish test"))
        let started = ContinuousClock.now
        await #expect {
            try await jetStream.publish([Self.message("nowhere.x", id: "n1")], answerWait: .milliseconds(300), timeout: .seconds(1))
        } throws: { error in
            "\(error)".contains("did not confirm 1 of 1 message(s) within 1.0 seconds") && "\(error)".contains("last answer: ")
        }
        // The given limit ended it, not the default minute (the bound is loose: the suites run
        // in parallel on two cores, and a starved test process wakes late).
        #expect(ContinuousClock.now - started < .seconds(45))
    }
}
