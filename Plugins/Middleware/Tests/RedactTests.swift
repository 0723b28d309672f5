import Foundation
import Manifold
import ManifoldJSON
import ManifoldMiddlewareKit
import ManifoldPluginTestSupport
import Testing

@Suite("redact middleware")
struct RedactTests {
    static func masked(_ text: String, _ configuration: RedactPlugin.Configuration = .init()) throws -> String {
        try RedactPlugin(configuration: configuration).redact(.text(text)).text
    }

    @Test("api-keys: sk- keys, AWS access key ids and bearer tokens")
    func apiKeys() throws {
        let text = "key sk-proj-abcdefghijklmnop1234, aws AKIAIOSFODNN7EXAMPLE, header Authorization: Bearer abc.def-ghi_jkl=="
        #expect(try Self.masked(text, .init(patterns: ["api-keys"])) == "key [REDACTED], aws [REDACTED], header Authorization: [REDACTED]")
        #expect(try Self.masked("task-1234567890123456789 and sk-short", .init(patterns: ["api-keys"])) == "task-1234567890123456789 and sk-short")
    }

    @Test("emails")
    func emails() throws {
        #expect(try Self.masked("write to ada.l+ml@example.co.uk today", .init(patterns: ["emails"])) == "write to [REDACTED] today")
        #expect(try Self.masked("not@an email", .init(patterns: ["emails"])) == "not@an email")
    }

    @Test("credit cards, Luhn-checked, grouped or not")
    func creditCards() throws {
        let text = "visa 4111 1111 1111 1111, amex 378282246310005, typo 4111-1111-1111-1112, order 1234567890123"
        #expect(
            try Self.masked(text, .init(patterns: ["credit-cards"]))
                == "visa [REDACTED], amex [REDACTED], typo 4111-1111-1111-1112, order 1234567890123")
    }

    @Test("ipv4 addresses, not versions or out-of-range octets")
    func ipv4() throws {
        #expect(
            try Self.masked("from 10.0.0.1 and 192.168.100.255; not 999.1.1.1 or v1.2.3.4.5", .init(patterns: ["ipv4"]))
                == "from [REDACTED] and [REDACTED]; not 999.1.1.1 or v1.2.3.4.5")
    }

    @Test("custom patterns and {name} in the replacement, in payload and metadata; counted")
    func customPatternsPayloadAndMetadata() async throws {
        let logs = LogRecorder()
        let plugin = try RedactPlugin(
            configuration: .init(custom: [.init(name: "ticket", regex: "TICKET-[0-9]+")], replacement: "<{name}>"), log: logs.log)
        let input = Artifact.text("hi")
        let out = Recorder()
        try await plugin.handle(input, context: out.context(for: input), next: MiddlewareNext { _, context in
            try await context.emit(
                .text("see TICKET-42, mail bob@example.com", metadata: ["user": "bob@example.com", "ref": "TICKET-7", "plain": "ok"]))
        })
        let output = try #require(out.all.first)
        #expect(output.text == "see <ticket>, mail <emails>")
        #expect(output.metadata == ["user": "<emails>", "ref": "<ticket>", "plain": "ok"])
        await plugin.shutdown()
        #expect(logs.text.contains("4 matches masked in 1 of 1 artifacts (emails 2, ticket 2)"))
    }

    @Test("JSON payloads stay valid JSON; card numbers stored as numbers are masked too")
    func jsonPayloads() throws {
        let plugin = try RedactPlugin(configuration: .init())
        let artifact = Artifact(
            type: .toolResult, payload: Data(#"{"card": 4111111111111111, "note": "mail a@b.io", "count": 3}"#.utf8))
        let result = try JSONValue(parsing: plugin.redact(artifact).payload)
        #expect(result == ["card": "[REDACTED]", "note": "mail [REDACTED]", "count": 3])
    }

    @Test("outputs by default; inputs or both when configured")
    func sides() async throws {
        func run(_ side: MiddlewareSide?) async throws -> (seen: String, emitted: String) {
            let plugin = try RedactPlugin(configuration: .init(patterns: ["emails"], applyTo: side))
            let input = Artifact.text("from a@b.io")
            let out = Recorder()
            let seen = Recorder()
            try await plugin.handle(input, context: out.context(for: input), next: MiddlewareNext { input, context in
                try await seen.context(for: input).emit(input)
                try await context.emit(input)
            })
            return (seen.all[0].text, out.all[0].text)
        }
        #expect(try await run(nil) == ("from a@b.io", "from [REDACTED]"))
        #expect(try await run(.inputs) == ("from [REDACTED]", "from [REDACTED]"))
        #expect(try await run(.both) == ("from [REDACTED]", "from [REDACTED]"))
    }

    @Test("config errors: unknown set, invalid regex")
    func configErrors() {
        expectError(containing: ["config.patterns[0]", "unknown set 'phones'", "api-keys, emails, credit-cards, ipv4"]) {
            _ = try RedactPlugin(configuration: .init(patterns: ["phones"]))
        }
        expectError(containing: ["config.custom[0].regex ('bad')", "not a valid regular expression"]) {
            _ = try RedactPlugin(configuration: .init(custom: [.init(name: "bad", regex: "([a-z")]))
        }
    }
}
