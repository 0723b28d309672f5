import Foundation
import Testing

/// `manifold run` writes outputs of binary types byte for byte, never through a text decoder,
/// and keeps them off a terminal.
@Suite("manifold run: binary outputs")
struct BinaryOutputTests {
    /// Random bytes plus the ones a text path mangles: NUL, line feed, carriage return, ESC, a
    /// lone continuation byte, a truncated two-byte sequence and 0xFF.
    static let payload: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return [0x00, 0x0A, 0x0D, 0x1B, 0x80, 0xC3, 0xFF] + random + [0x0A, 0x00, 0xC3]
    }()

    /// A plugin that emits `payload` as one `application/gzip` artifact per input, and a graph
    /// running it; the graph's path.
    static func binaryGraph() async throws -> String {
        let bytes = payload.map { String($0) }.joined(separator: ",")
        let folder = try await TestCPlugin.build(
            name: "gzipper",
            process: """
                manifold_artifact output;
                memset(&output, 0, sizeof output);
                output.struct_size = sizeof output;
                output.type = manifold_str_from_cstr("application/gzip");
                output.payload.data = payload_bytes;
                output.payload.length = sizeof payload_bytes;
                manifold_status status = call->emit(call->context, &output);
                call->complete(call->context, status, manifold_str_from_cstr(status == MANIFOLD_OK ? NULL : "refused"));
                """,
            outputType: "application/gzip",
            extraSource: "static const uint8_t payload_bytes[] = { \(bytes) };")
        return try CLI.writeGraph("""
            {"manifold": 1, "name": "binary", "plugins": ["\(folder)"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["application/gzip"]}},
             "nodes": {"zip": {"plugin": "gzipper", "subscribe": ["in"], "output": "out"}}}
            """)
    }

    @Test func aBinaryOutputIsWrittenByteForByte() async throws {
        let graph = try await Self.binaryGraph()
        let result = try await CLI.run(["run", graph, "--input", "x"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdoutBytes == Data(Self.payload), "got \(result.stdoutBytes.count) bytes, expected \(Self.payload.count)")
    }

    @Test func jsonModeCarriesABinaryOutputInBase64() async throws {
        let graph = try await Self.binaryGraph()
        let result = try await CLI.run(["run", graph, "--input", "x", "--output", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        #expect(object["text"] == nil)
        let base64 = try #require(object["base64"] as? String)
        #expect(Data(base64Encoded: base64) == Data(Self.payload))
    }

    @Test func aBinaryOutputIsKeptOffATerminalWithAHint() async throws {
        let graph = try await Self.binaryGraph()
        // `script` gives the run a terminal for standard output (and standard error).
        let result = try await CLI.shell(#"script -qec "\"$MANIFOLD\" run '"# + graph + #"' --input x --input y" /dev/null"#)
        #expect(result.status == 0, "output: \(result.stdout)")
        #expect(result.stdout.contains("note: 2 binary output(s) (application/gzip) not written: standard output is a terminal"))
        #expect(result.stdout.contains("`> FILE`") && result.stdout.contains("--output json"))
        // 0xFF never appears in the terminal's text: none of the payload was written.
        #expect(!result.stdoutBytes.contains(0xFF))
    }

    @Test func textTypesArePrintedAsLines() async throws {
        let folder = try await TestCPlugin.build(
            name: "jsoner",
            process: """
                static const char text[] = "{\\"a\\": 1}";
                manifold_artifact output;
                memset(&output, 0, sizeof output);
                output.struct_size = sizeof output;
                output.type = manifold_str_from_cstr("application/vnd.acme+json");
                output.payload.data = (const uint8_t *)text;
                output.payload.length = strlen(text);
                manifold_status status = call->emit(call->context, &output);
                call->complete(call->context, status, manifold_str_from_cstr(NULL));
                """,
            outputType: "application/vnd.acme+json")
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "json", "plugins": ["\(folder)"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["application/json"]}},
             "nodes": {"j": {"plugin": "jsoner", "subscribe": ["in"], "output": "out"}}}
            """)
        let result = try await CLI.run(["run", graph, "--input", "x", "--input", "y"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "{\"a\": 1}\n{\"a\": 1}\n")
    }

    @Test func runHelpSaysHowBinaryOutputsAreWritten() async throws {
        let result = try await CLI.run(["run", "--help"])
        #expect(result.stdout.contains("byte for byte"))
        #expect(result.stdout.contains("--allow-dead-letters"))
    }
}
