import Foundation
import Testing

/// What a user can get wrong on the command line or around it: each is refused or reported
/// with a clear message and the right status, never a crash.
@Suite("command-line misuse")
struct CommandLineMisuseTests {
    @Test(arguments: ["inf", "nan", "1e300", "9223372036854775807", "0", "-1", "10000001"])
    func outOfRangeTimeoutIsAUsageError(value: String) async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--timeout=\(value)"])
        #expect(result.status == 64, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("--timeout takes a number of seconds above 0 and at most 10000000"))
        #expect(result.stdout.isEmpty, "nothing ran")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func linesWithInputIsRefusedNotIgnored() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--lines", "--input", "hi"], stdin: "one\n")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--lines feeds standard input line by line and cannot be combined with --input"))
        #expect(result.stdout.isEmpty)
    }

    @Test func graphOfAMistypedManifestExitsOne() async throws {
        let result = try await CLI.run(["graph", "Examples/mistyped.json"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("type mismatch"))
        #expect(result.stdout.contains("flowchart") || result.stdout.contains("graph"), "the picture is still drawn")
    }

    @Test func aFullDiskOnStandardOutputIsReportedOnceWithStatusOne() async throws {
        let result = try await CLI.shell(#""$MANIFOLD" run Examples/pipeline.json --input 'a b c' > /dev/full"#)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let reports = result.stderr.components(separatedBy: "error: writing to standard output failed").count - 1
        #expect(reports == 1, "reported once: \(result.stderr)")
        #expect(result.stderr.contains("No space left on device"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func aReaderThatGoesAwayEndsTheRunQuietly() async throws {
        // With SIGPIPE ignored (as some service managers and shells leave it) the write fails
        // with EPIPE instead of killing the process: manifold then stops quietly, status 0.
        let result = try await CLI.shell(#"""
            trap '' PIPE
            seq 200000 | "$MANIFOLD" run Examples/pipeline.json --lines | head -c 10 > /dev/null
            echo "manifold=${PIPESTATUS[1]}"
            """#)
        #expect(result.stdout.contains("manifold=0"), "stdout: \(result.stdout) stderr: \(result.stderr)")
        let ownLines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("seq:") }
        #expect(!ownLines.contains { $0.contains("Fatal error") || $0.hasPrefix("error:") }, "\(result.stderr)")
    }
}
