import Foundation
import Testing

/// `manifold run --lines`: standard input split into lines in large chunks, whatever the
/// lines hold and wherever the chunks end, and every line's output written out.
@Suite("manifold run --lines: line splitting and buffered output")
struct LineInputTests {
    /// A graph that sends each line back unchanged.
    private static func echoGraph() throws -> String {
        try CLI.writeGraph("""
            {"manifold": 1, "name": "lines", "plugins": ["$PLUGINS"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/*"]}},
             "nodes": {"echo": {"plugin": "echo", "subscribe": ["in"], "output": "out"}}}
            """)
    }

    /// A temporary file holding `bytes`.
    private static func inputFile(_ bytes: Data) throws -> String {
        let path = NSTemporaryDirectory() + "manifold-lines-\(UUID().uuidString).txt"
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func linesLongerThanAChunkAndLineEndingsAtChunkEdgesComeOutWhole() async throws {
        // 150,000 bytes spans three 64 KiB reads; the short lines after it put line breaks at
        // every offset near the next chunk edges; `é` and `€` are split across reads somewhere.
        let long = String(repeating: "ab", count: 75_000)
        var lines = [long]
        for index in 0..<20_000 { lines.append(index % 3 == 0 ? "é\(index)€" : "line \(index)") }
        // From a file: more input than a pipe holds, written while the outputs are not yet read,
        // would block the test itself.
        let path = try Self.inputFile(Data((lines.joined(separator: "\n") + "\n").utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await CLI.shell(#"exec "$MANIFOLD" run '"# + (try Self.echoGraph()) + #"' --lines < '"# + path + "'")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(printed.count == lines.count)
        #expect(printed == lines, "a line was cut, merged or reordered")
    }

    @Test(arguments: TestHub.allCases) func crlfEndingsInvalidUTF8AndAnUnterminatedLastLine(hub: TestHub) async throws {
        // Bytes, not a Swift string: 0xFF and a lone 0xC3 are invalid UTF-8.
        var input = Data("windows\r\nplain\n".utf8)
        input.append(contentsOf: [0x62, 0x61, 0x64, 0xFF, 0x0A])  // "bad\xFF\n"
        input.append(contentsOf: [0xC3, 0x0A])  // a lone lead byte
        input.append(Data("café\nlast".utf8))
        let path = try Self.inputFile(input)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let graph = try Self.echoGraph()
        let result = try await hub.with { hubArguments in
            try await CLI.shell(#"exec "$MANIFOLD" run '"# + graph + #"' --lines "# + hubArguments.joined(separator: " ") + #" < '"# + path + "'")
        }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "windows\nplain\nbad\u{FFFD}\n\u{FFFD}\ncafé\nlast\n")
    }

    @Test func everyOutputOfALargeInputIsWrittenInOrder() async throws {
        // Many more outputs than one buffer holds: what the buffer writes at its threshold,
        // per batch and at the end must add up to every line, in order.
        let result = try await CLI.shell(#"seq 1 100000 | "$MANIFOLD" run '"# + (try Self.echoGraph()) + #"' --lines | md5sum; seq 1 100000 | md5sum"#)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let sums = result.stdout.split(separator: "\n")
        #expect(sums.count == 2 && sums[0] == sums[1], "the outputs differ from the input lines")
    }
}
