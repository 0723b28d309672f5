import Foundation
import ManifoldNATS
import ManifoldNATSTestSupport
import Testing

/// Credentials and TLS from the environment (`NATS_USER`, `NATS_CA`, …) against a real
/// nats-server that demands them; no secret ever appears in a message.
@Suite("NATS: credentials and TLS")
struct NATSSecurityTests {
    static func connect(_ server: NATSTestServer, _ environment: [String: String]) throws(NATSError) -> NATSConnection {
        try NATSConnection(server: NATSServerURL(server.url), name: "security test", security: NATSSecurity(environment: environment))
    }

    static func failure(_ server: NATSTestServer, _ environment: [String: String]) -> String? {
        do {
            _ = try connect(server, environment)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a user and password: refused without them, with the fix; accepted with them; never shown")
    func userAndPassword() throws {
        let server = try NATSTestServer(options: ["--user", "alice", "--pass", "pw-7f3a9"])
        let refused = try #require(Self.failure(server, [:]))
        #expect(refused.contains("NATS server \(server.url)"), "\(refused)")
        #expect(refused.contains("fix: give the credentials it expects: NATS_CREDS, NATS_USER and NATS_PASSWORD, or NATS_TOKEN"), "\(refused)")
        let wrong = try #require(Self.failure(server, ["NATS_USER": "alice", "NATS_PASSWORD": "wrong-pw-91"]))
        #expect(!wrong.contains("wrong-pw-91"), "\(wrong)")
        _ = try Self.connect(server, ["NATS_USER": "alice", "NATS_PASSWORD": "pw-7f3a9"])

        let half = try #require(Self.failure(server, ["NATS_USER": "alice"]))
        #expect(half.contains("cannot be used: NATS_USER is set without NATS_PASSWORD"), "\(half)")
        #expect(half.contains("fix: set both, or neither"), "\(half)")
    }

    @Test("a token from NATS_TOKEN")
    func token() throws {
        let server = try NATSTestServer(options: ["--auth", "tok-55c1e"])
        let refused = try #require(Self.failure(server, ["NATS_TOKEN": "not-it-3b"]))
        #expect(!refused.contains("not-it-3b"), "\(refused)")
        _ = try Self.connect(server, ["NATS_TOKEN": "tok-55c1e"])
    }

    @Test("TLS: the server's certificate checked against NATS_CA; a client certificate from NATS_CERT and NATS_KEY")
    func tls() throws {
        let certificates = try TestCertificates()
        let server = try NATSTestServer(
            options: [
                "--tls", "--tlscert", certificates.serverCertificate, "--tlskey", certificates.serverKey, "--tlsverify", "--tlscacert",
                certificates.authority,
            ], scheme: "tls")
        // Without the authority the server's certificate is not trusted.
        let untrusted = try #require(Self.failure(server, [:]))
        #expect(untrusted.contains("NATS server \(server.url)"), "\(untrusted)")
        // Trusted, but without a client certificate the server refuses.
        #expect(Self.failure(server, ["NATS_CA": certificates.authority]) != nil)
        let connection = try Self.connect(server, [
            "NATS_CA": certificates.authority, "NATS_CERT": certificates.clientCertificate, "NATS_KEY": certificates.clientKey,
        ])
        let jetStream = try JetStream(connection: connection)
        #expect(try jetStream.streams().isEmpty)
    }

    @Test("a file that cannot be read, or half a pair, is named before anything is sent")
    func unreadableFiles() throws {
        let server = try NATSTestServer()
        let missing = try #require(Self.failure(server, ["NATS_CREDS": "/nonexistent/user.creds"]))
        #expect(missing.contains("cannot be used: NATS_CREDS names /nonexistent/user.creds, which cannot be read"), "\(missing)")
        #expect(missing.contains("fix: point NATS_CREDS at a readable file, or unset it"), "\(missing)")
        let ca = try #require(Self.failure(server, ["NATS_CA": "/nonexistent/ca.pem"]))
        #expect(ca.contains("NATS_CA names /nonexistent/ca.pem, which cannot be read"), "\(ca)")
        let half = try #require(Self.failure(server, ["NATS_CERT": "/etc/hostname"]))
        #expect(half.contains("NATS_CERT is set without NATS_KEY"), "\(half)")
    }
}
