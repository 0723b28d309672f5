import Foundation
import ManifoldHost
import Testing

/// A library is refused when it is not what its manifest says: `validate` and `inspect`
/// trust the manifest without running plugin code, so the two must agree.
@Suite("Manifest against library")
struct ManifestCheckTests {
    let loader = PluginLoader(options: PluginLoaderOptions(libraryPaths: []))

    /// A folder holding the test plugin, built as `libtest.so`, and its manifest.
    private func pluginFolder(manifest fields: [String: Any] = [:]) async throws -> (manifest: String, library: String) {
        let folder = try HostTestSupport.temporaryFolder()
        let library = try await HostTestSupport.compileC(TestPluginSource.generator(), named: "test", in: folder)
        let manifest = try HostTestSupport.writeManifest(in: folder, fields)
        return (manifest, library)
    }

    private func sha256(of path: String) async throws -> String {
        let result = try await HostTestSupport.run("/usr/bin/sha256sum", [path])
        try #require(result.status == 0, "sha256sum failed: \(result.output)")
        return String(result.output.prefix(64))
    }

    @Test func aMatchingManifestLoads() async throws {
        let (manifest, _) = try await pluginFolder()
        let plugin = try loader.load(manifestAt: manifest)
        #expect(plugin.descriptor.name == "test")
    }

    @Test func everyDisagreementIsListedInOneError() async throws {
        let (manifest, library) = try await pluginFolder(manifest: [
            "name": "other", "version": "2.0.0", "kind": "middleware", "inputs": ["application/json"],
            "outputs": ["text/plain", "text/markdown"], "concurrent": false,
        ])
        do {
            _ = try loader.load(manifestAt: manifest)
            Issue.record("a manifest that disagrees with its library was accepted")
        } catch let error as PluginLoadError {
            #expect(error.kind == .manifestMismatch)
            #expect(error.file == library)
            #expect(error.description.contains("disagrees with its manifest \(manifest)"))
            #expect(error.description.contains("name: manifest says other, library says test"))
            #expect(error.description.contains("version: manifest says 2.0.0, library says 1.0.0"))
            #expect(error.description.contains("kind: manifest says middleware, library says generator"))
            #expect(error.description.contains("inputs: manifest says {application/json}, library says {text/plain}"))
            #expect(error.description.contains("outputs: manifest says {text/markdown, text/plain}, library says {text/plain}"))
            // Validation trusts the manifest's word on concurrency (`"concurrency": N` on a node).
            #expect(error.description.contains("concurrent: manifest says false, library says true"))
            #expect(error.description.contains("manifold inspect --manifest"))
        }
    }

    /// A manifest that claims an extension the library does not offer (a `validate` would
    /// accept a subscription-less node on the manifest's word) is refused.
    @Test func claimedExtensionsAreChecked() async throws {
        let (manifest, _) = try await pluginFolder(manifest: ["extensions": ["manifold.source"], "inputs": []])
        do {
            _ = try loader.load(manifestAt: manifest)
            Issue.record("a manifest claiming an extension the library lacks was accepted")
        } catch let error as PluginLoadError {
            #expect(error.kind == .manifestMismatch)
            #expect(error.description.contains("extensions: manifest says [manifold.source], library says []"))
        }
    }

    @Test func aLibraryLoadedDirectlyIsCheckedAgainstTheManifestBesideIt() async throws {
        let (_, library) = try await pluginFolder(manifest: ["version": "9.9.9"])
        do {
            _ = try loader.load(libraryAt: library)
            Issue.record("the manifest beside the library was not checked")
        } catch let error as PluginLoadError {
            #expect(error.kind == .manifestMismatch)
            #expect(error.description.contains("version: manifest says 9.9.9, library says 1.0.0"))
        }
    }

    @Test func theRightChecksumLoads() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let library = try await HostTestSupport.compileC(TestPluginSource.generator(), named: "test", in: folder)
        let manifest = try HostTestSupport.writeManifest(in: folder, ["sha256": try await sha256(of: library).uppercased()])
        #expect(try loader.load(manifestAt: manifest).sha256 == (try await sha256(of: library)))
    }

    @Test func aWrongChecksumIsRefusedWithBothValues() async throws {
        let wrong = String(repeating: "0", count: 64)
        let (manifest, library) = try await pluginFolder(manifest: ["sha256": wrong])
        let actual = try await sha256(of: library)
        do {
            _ = try loader.load(manifestAt: manifest)
            Issue.record("a library with the wrong checksum was loaded")
        } catch let error as PluginLoadError {
            #expect(error.kind == .checksumMismatch)
            #expect(error.file == library)
            #expect(error.description.contains("SHA-256 is \(actual) but the manifest \(manifest) expects \(wrong)"))
            #expect(error.description.contains("update \"sha256\" in the manifest"))
        }
    }
}
