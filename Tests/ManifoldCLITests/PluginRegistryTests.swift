import Foundation
import Testing

/// A library that crashes while being loaded in a child process (`manifold plugins --check`)
/// is blacklisted in the plugin registry: listed as broken from then on, refused by `run`
/// before any of its code runs in the host, until it changes or `--rescan` finds it fixed.
@Suite("Plugin registry: crashing libraries are blacklisted")
struct PluginRegistryTests {
    /// A library whose constructor crashes when `FOREIGN_CRASH` is set: the same file is
    /// broken in one probe and healthy in the next, as a library is once its cause is fixed.
    static let crashWhenAsked = "__attribute__((constructor)) static void crash(void) { if (getenv(\"FOREIGN_CRASH\")) *(volatile int *)0 = 1; }"

    @Test func aCrashWhileProbingBlacklistsTheLibraryUntilARescan() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: Self.crashWhenAsked)
        let registry = NSTemporaryDirectory() + "manifold-registry-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: registry) }
        let environment = ["MANIFOLD_PLUGIN_REGISTRY": registry]

        let probed = try await CLI.run(["plugins", "--check", "--path", foreign.folder], environment: environment.merging(["FOREIGN_CRASH": "1"]) { $1 })
        #expect(probed.status == 1)
        #expect(probed.stdout.contains("crashed while loading (signal 11"), "\(probed.stdout)")
        #expect(probed.stdout.contains("it is blacklisted until it changes or `manifold plugins --rescan` finds it fixed"), "\(probed.stdout)")
        let saved = try String(contentsOfFile: registry, encoding: .utf8)
        #expect(saved.contains(foreign.library) && saved.contains("blacklistReason"), "\(saved)")

        // The library would load now, but it is refused unprobed: nothing runs in the host.
        let listed = try await CLI.run(["plugins", "--path", foreign.folder], environment: environment)
        #expect(listed.status == 1)
        #expect(listed.stdout.contains("blacklisted: the library crashed while loading (signal 11"), "\(listed.stdout)")
        #expect(listed.stdout.contains("run `manifold plugins --rescan`"), "\(listed.stdout)")
        let run = try await CLI.run(["run", try foreign.graph(), "--input", "x"], environment: environment)
        #expect(run.status == 1)
        #expect(run.stderr.contains("the library is blacklisted: when it was loaded in a child process on"), "\(run.stderr)")
        #expect(run.stderr.contains("`manifold plugins --rescan`"), "\(run.stderr)")
        let isolated = try await CLI.run(["run", try foreign.graph(), "--isolate", "pass", "--input", "x"], environment: environment)
        #expect(isolated.status == 1)
        #expect(isolated.stderr.contains("the library is blacklisted"), "an isolated node is refused too: \(isolated.stderr)")

        // Fixed (here: the crash is no longer asked for), a rescan clears it.
        let rescanned = try await CLI.run(["plugins", "--rescan", "--path", foreign.folder], environment: environment)
        #expect(rescanned.status == 0, "\(rescanned.stdout)\(rescanned.stderr)")
        #expect(rescanned.stdout.contains("ok      forward 1.0.0"), "\(rescanned.stdout)")
        let rerun = try await CLI.run(["run", try foreign.graph(), "--input", "x"], environment: environment)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout == "x\n")
    }

    @Test func runProbesALibraryItDoesNotKnowInAChildFirst() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: Self.crashWhenAsked)
        let registry = NSTemporaryDirectory() + "manifold-registry-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: registry) }
        let environment = ["MANIFOLD_PLUGIN_REGISTRY": registry]

        // Never probed, and crashing while loading: the child dies, not the run.
        let crashing = try await CLI.run(["run", try foreign.graph(), "--input", "x"], environment: environment.merging(["FOREIGN_CRASH": "1"]) { $1 })
        #expect(crashing.status == 1, "the host exits with an error of its own, not the library's signal: \(crashing.status) \(crashing.stderr)")
        #expect(crashing.stderr.contains("the library is blacklisted: when it was loaded in a child process on"), "\(crashing.stderr)")
        #expect(crashing.stderr.contains("crashed while loading (signal 11"), "\(crashing.stderr)")
        #expect(crashing.stdout.isEmpty)
        let listed = try await CLI.run(["plugins", "--path", foreign.folder], environment: environment)
        #expect(listed.stdout.contains("blacklisted: the library crashed while loading (signal 11"), "remembered: \(listed.stdout)")

        // Healthy after a rescan; then a run does not probe it again while it is unchanged.
        _ = try await CLI.run(["plugins", "--rescan", "--path", foreign.folder], environment: environment)
        let remembered = try String(contentsOfFile: registry, encoding: .utf8)
        let healthy = try await CLI.run(["run", try foreign.graph(), "--input", "x"], environment: environment)
        #expect(healthy.status == 0 && healthy.stdout == "x\n", "\(healthy.stderr)")
        #expect(try String(contentsOfFile: registry, encoding: .utf8) == remembered, "a known library was probed again")
    }

    @Test func runRecordsALibraryThatLoadedCleanlyInItsProbe() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: Self.crashWhenAsked)
        let registry = NSTemporaryDirectory() + "manifold-registry-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: registry) }
        let run = try await CLI.run(["run", try foreign.graph(), "--input", "x"], environment: ["MANIFOLD_PLUGIN_REGISTRY": registry])
        #expect(run.status == 0 && run.stdout == "x\n", "\(run.stderr)")
        let saved = try String(contentsOfFile: registry, encoding: .utf8)
        #expect(saved.contains(foreign.library) && !saved.contains("blacklistReason"), "probed once and found healthy: \(saved)")
    }

    @Test func aChangedLibraryIsNoLongerBlacklisted() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: Self.crashWhenAsked)
        let registry = NSTemporaryDirectory() + "manifold-registry-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: registry) }
        let environment = ["MANIFOLD_PLUGIN_REGISTRY": registry]
        _ = try await CLI.run(["plugins", "--check", "--path", foreign.folder], environment: environment.merging(["FOREIGN_CRASH": "1"]) { $1 })
        // A rebuild changes the file: the entry no longer describes it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: foreign.library))
        try FileManager.default.removeItem(atPath: foreign.library)
        try (bytes + Data([0])).write(to: URL(fileURLWithPath: foreign.library))
        let run = try await CLI.run(["run", try foreign.graph(), "--input", "x"], environment: environment)
        #expect(!run.stderr.contains("blacklisted"), "\(run.stderr)")
    }

    @Test func anUnreadableRegistryIsAnEmptyOne() async throws {
        let registry = NSTemporaryDirectory() + "manifold-registry-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: registry) }
        try "not json".write(toFile: registry, atomically: true, encoding: .utf8)
        let run = try await CLI.run(["run", "Examples/pipeline.json", "--input", "hi"], environment: ["MANIFOLD_PLUGIN_REGISTRY": registry])
        #expect(run.status == 0, "a cache that cannot be read is rebuilt, never an error: \(run.stderr)")
    }
}
