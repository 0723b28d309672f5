import Foundation
import Testing

/// `validate`, `graph`, `plugins` and `inspect MANIFEST` read manifests only: checking an
/// untrusted repository runs none of its code. What must look inside a library does it in a
/// child process, so one that crashes costs that child only.
@Suite("Commands that run no plugin code")
struct ManifestOnlyCommandTests {
    @Test func checkingAGraphRunsNoCodeOfItsPlugins() async throws {
        let marker = NSTemporaryDirectory() + "manifold-marker-" + UUID().uuidString
        let foreign = try await ForeignPluginFolder(extraSource: ForeignPluginFolder.markerConstructor(marker))
        let graph = try foreign.graph()

        let validate = try await CLI.run(["validate", graph])
        #expect(validate.status == 0, "stderr: \(validate.stderr)")
        let picture = try await CLI.run(["graph", graph])
        #expect(picture.status == 0, "stderr: \(picture.stderr)")
        #expect(picture.stdout.contains("pass"))
        let listing = try await CLI.run(["plugins", "--path", foreign.folder])
        #expect(listing.status == 0, "stdout: \(listing.stdout) stderr: \(listing.stderr)")
        #expect(listing.stdout.contains("ok      forward 1.0.0"))
        let described = try await CLI.run(["inspect", foreign.manifest, "--json"])
        #expect(described.status == 0, "stderr: \(described.stderr)")
        #expect(described.stdout.contains("\"name\" : \"forward\""))
        #expect(!FileManager.default.fileExists(atPath: marker), "a command that only checks ran the library's constructor")

        // The marker works: a command that says it loads the library does run it.
        let checked = try await CLI.run(["inspect", "--check", foreign.manifest])
        #expect(checked.status == 0, "stderr: \(checked.stderr)")
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func aLibraryThatCrashesWhileLoadingIsListedAsBroken() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: "__attribute__((constructor)) static void crash(void) { *(volatile int *)0 = 1; }")
        let good = try await ForeignPluginFolder(extraSource: "")
        let listing = try await CLI.run(["plugins", "--check", "--path", foreign.folder, "--path", good.folder])
        #expect(listing.status == 1)
        #expect(listing.stdout.contains("BROKEN  \(foreign.manifest)"), "stdout: \(listing.stdout)")
        #expect(listing.stdout.contains("crashed while loading (signal 11"), "stdout: \(listing.stdout)")
        #expect(listing.stdout.contains("ok      forward 1.0.0"), "the healthy plugin after it must still be listed: \(listing.stdout)")
        #expect(listing.stdout.contains("2 plugin(s), 1 broken"))

        let inspected = try await CLI.run(["inspect", foreign.library])
        #expect(inspected.status == 1)
        // Probed again (the probe consults no blacklist): the crash is shown again, in its child.
        #expect(inspected.stderr.contains("\(foreign.library) crashed while loading (signal 11"), "stderr: \(inspected.stderr)")
        #expect(inspected.stderr.contains("fix:"))
    }

    @Test func aLibraryThatExitsWhileLoadingIsReported() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: "__attribute__((constructor)) static void leave(void) { exit(3); }")
        let inspected = try await CLI.run(["inspect", "--json", foreign.library])
        #expect(inspected.status != 0)
        let listing = try await CLI.run(["plugins", "--check", "--path", foreign.folder])
        #expect(listing.status == 1)
        #expect(listing.stdout.contains("BROKEN"), "stdout: \(listing.stdout)")
    }

    @Test func aLibraryThatHangsWhileLoadingIsKilledAndReported() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: "#include <unistd.h>\n__attribute__((constructor)) static void hang(void) { for (;;) sleep(1000); }")
        let listing = try await CLI.run(["plugins", "--check", "--load-time-limit", "1", "--path", foreign.folder])
        #expect(listing.status == 1)
        #expect(listing.stdout.contains("did not finish loading within 1 s and was killed"), "stdout: \(listing.stdout)")
        let inspected = try await CLI.run(["inspect", "--load-time-limit", "0.5", foreign.library])
        #expect(inspected.status == 1)
        #expect(inspected.stderr.contains("did not finish loading within 0.5 s"), "stderr: \(inspected.stderr)")
        let misused = try await CLI.run(["inspect", "--load-time-limit", "0", foreign.library])
        #expect(misused.status == 64)
        #expect(misused.stderr.contains("--load-time-limit must be more than 0"))
    }

    @Test func validateReportsWhatItCanCheckWithoutCode() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: "")
        // A pin that does not match is found by hashing the file, which runs nothing.
        let manifest = try String(contentsOfFile: foreign.manifest, encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"abi\": \"2.0\",", with: "\"abi\": \"2.0\", \"sha256\": \"\(String(repeating: "ab", count: 32))\",")
            .write(toFile: foreign.manifest, atomically: true, encoding: .utf8)
        let validate = try await CLI.run(["validate", try foreign.graph()])
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("$.nodes.pass.plugin"), "stderr: \(validate.stderr)")
        #expect(validate.stderr.contains("SHA-256 is"))
    }
}
