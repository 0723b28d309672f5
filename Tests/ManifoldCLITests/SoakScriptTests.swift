import Testing

/// The short version of `scripts/soak` (the long one, 10 million artifacts, is run by hand):
/// every output of a 3-node graph arrives once and in order, in process and with one node in a
/// worker process; and the script notices a loss.
@Suite("scripts/soak, short")
struct SoakScriptTests {
    @Test func everyArtifactArrivesOnceAndInOrder() async throws {
        let result = try await CLI.shell(#"scripts/soak --artifacts 20000 --warmup 600 --binary "$MANIFOLD""#)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("artifacts: 20000 in, 20000 out"), "\(result.stdout)")
    }

    @Test func withAnIsolatedNodeToo() async throws {
        let result = try await CLI.shell(#"scripts/soak --artifacts 20000 --warmup 600 --isolate relay --binary "$MANIFOLD""#)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("artifacts: 20000 in, 20000 out"), "\(result.stdout)")
        #expect(result.stdout.contains("isolated: relay"), "\(result.stdout)")
    }

    @Test func aRunThatLosesArtifactsFails() async throws {
        // A manifold that stops early: the script must report the missing outputs.
        let result = try await CLI.shell(#"""
            fake=$(mktemp); printf '#!/bin/sh\nhead -n 10 | sed "s/$/./"\n' > "$fake"; chmod +x "$fake"
            scripts/soak --artifacts 100 --warmup 600 --binary "$fake"; status=$?; rm -f "$fake"; exit $status
            """#)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("FAIL: 10 outputs for 100 inputs"), "\(result.stdout)")
    }
}
