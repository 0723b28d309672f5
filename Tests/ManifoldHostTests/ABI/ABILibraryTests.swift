import Foundation
import Manifold
import ManifoldHost
import Testing

/// The library entry (manifold/entry.h) and factory (manifold/factory.h): loading order,
/// several plugins per library, bounds on what a descriptor may claim, and the pin checked
/// before any of the library's code runs.
@Suite("ABI: library entry and factory")
struct ABILibraryTests {
    private let loader = PluginLoader(options: PluginLoaderOptions(libraryPaths: []))

    /// A second descriptor, `other`, of the given kind, using the test plugin's functions.
    private static func otherPlugin(name: String = "other", kind: String = "MANIFOLD_KIND_MIDDLEWARE") -> String {
        """
        static const manifold_plugin other_plugin = {
            .struct_size = sizeof(manifold_plugin), .name = "\(name)", .version = "2.0.0", .kind = \(kind),
            .input_types = test_inputs, .input_type_count = 1, .output_types = test_outputs, .output_type_count = 1,
            .create = test_create, .process = test_process, .shutdown = test_shutdown, .destroy = test_destroy,
        };
        """
    }

    private static func twoPluginSource(otherName: String = "other") -> String {
        TestPluginSource.plugin() + otherPlugin(name: otherName)
            + TestPluginSource.library(plugins: ["test_plugin", "other_plugin"])
    }

    @Test func oneLibraryHoldsSeveralPlugins() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let library = try await HostTestSupport.compileC(Self.twoPluginSource(), named: "pair", in: folder)
        let plugins = try loader.load(allInLibraryAt: library)
        #expect(plugins.map(\.descriptor.name) == ["test", "other"])
        #expect(plugins.map(\.descriptor.kind) == [.generator, .middleware])
        #expect(plugins[0].library === plugins[1].library, "one image, opened once")
        // A manifest picks its plugin from the library by name.
        _ = try HostTestSupport.writeManifest(in: folder, named: "other.json", [
            "name": "other", "version": "2.0.0", "kind": "middleware", "library": "libpair.so", "concurrent": false,
        ])
        let named = PluginLoader(options: PluginLoaderOptions(searchPaths: [folder], libraryPaths: []))
        #expect(try named.load(named: "other").descriptor.version == "2.0.0")
    }

    @Test func aManifestNamingAPluginTheLibraryLacksIsRefused() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        _ = try await HostTestSupport.compileC(Self.twoPluginSource(), named: "pair", in: folder)
        let manifest = try HostTestSupport.writeManifest(in: folder, named: "ghost.json", ["name": "ghost", "library": "libpair.so"])
        let error = try #require(loadError { _ = try loader.load(manifestAt: manifest) })
        #expect(error.kind == .pluginNotInLibrary)
        #expect(error.description.contains("holds no plugin named 'ghost'; it holds: test, other"))
    }

    @Test func twoPluginsOfOneNameAreRefused() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let library = try await HostTestSupport.compileC(Self.twoPluginSource(otherName: "test"), named: "twins", in: folder)
        let error = try #require(loadError { _ = try loader.load(libraryAt: library) })
        #expect(error.kind == .malformedDescriptor)
        #expect(error.description.contains("two plugins named 'test'"))
    }

    @Test func absurdTypeCountIsRefusedWithTheField() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let source = TestPluginSource.generator().replacingOccurrences(
            of: ".input_type_count = sizeof test_inputs / sizeof *test_inputs", with: ".input_type_count = (size_t)-1")
        let library = try await HostTestSupport.compileC(source, named: "huge", in: folder)
        let error = try #require(loadError { _ = try loader.load(libraryAt: library) })
        #expect(error.kind == .malformedDescriptor)
        #expect(error.description.contains("input types; at most 256 are allowed"))
    }

    @Test func configSchemaThatIsNotJSONIsRefused() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let source = TestPluginSource.generator().replacingOccurrences(of: ".config_schema = NULL", with: ".config_schema = \"{not json\"")
        let library = try await HostTestSupport.compileC(source, named: "badschema", in: folder)
        let error = try #require(loadError { _ = try loader.load(libraryAt: library) })
        #expect(error.kind == .malformedDescriptor)
        #expect(error.description.contains("config_schema that is not JSON"))
    }

    /// A string field that runs past the bound (unterminated, or absurdly long) is refused
    /// with the field named, instead of being read on until a NUL happens to turn up.
    @Test func aDescriptorStringPastTheBoundIsRefusedWithTheField() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let source = TestPluginSource.generator().replacingOccurrences(of: ".config_schema = NULL", with: ".config_schema = huge_text")
            .replacingOccurrences(
                of: "#include \"manifold_plugin.h\"",
                with: "#include \"manifold_plugin.h\"\nstatic char huge_text[(1 << 20) + 16];\n"
                    + "__attribute__((constructor)) static void fill(void) { memset(huge_text, '{', sizeof huge_text - 1); }\n")
        let library = try await HostTestSupport.compileC(source, named: "unbounded", in: folder)
        let error = try #require(loadError { _ = try loader.load(libraryAt: library) })
        #expect(error.kind == .malformedDescriptor)
        #expect(error.description.contains("has a config schema longer than 1048576 bytes (not NUL-terminated?)"), "\(error)")
    }

    @Test func configSchemaTheHostCannotApplyIsRefused() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let source = TestPluginSource.generator().replacingOccurrences(
            of: ".config_schema = NULL", with: ".config_schema = \"{\\\"type\\\": \\\"strnig\\\"}\"")
        let library = try await HostTestSupport.compileC(source, named: "typo", in: folder)
        let error = try #require(loadError { _ = try loader.load(libraryAt: library) })
        #expect(error.kind == .malformedDescriptor)
        #expect(error.description.contains("config_schema that is no valid JSON Schema"), "\(error)")
        // The schema is compiled in: the fix is in the library's source, not in a manifest.
        #expect(error.fix.contains("correct config_schema in the plugin's source and rebuild the library"), "\(error)")
        #expect(!error.fix.contains("manifest;"), "\(error)")
    }

    @Test func initRefusalStopsTheLoad() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let source = TestPluginSource.plugin() + TestPluginSource.library(plugins: ["test_plugin"], initBody: "return false;")
        let library = try await HostTestSupport.compileC(source, named: "noinit", in: folder)
        let error = try #require(loadError { _ = try loader.load(libraryAt: library) })
        #expect(error.kind == .libraryInitFailed)
    }

    @Test func initGetsThePathAndDeinitRunsOnceAtFinish() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let source = TestPluginSource.plugin() + TestPluginSource.library(
            plugins: ["test_plugin"],
            initBody: "FILE *f = fopen(\"\(folder)/init\", \"w\"); fputs(path, f); fclose(f); return true;",
            deinitBody: "FILE *f = fopen(\"\(folder)/deinit\", \"a\"); fputs(\"x\", f); fclose(f);")
        let library = try await HostTestSupport.compileC(source, named: "lifecycle", in: folder)
        let first = try PluginLoader(options: PluginLoaderOptions(libraryPaths: [])).load(libraryAt: library)
        #expect(try String(contentsOfFile: folder + "/init", encoding: .utf8) == library)
        // A second loader gets the same library: glibc maps the file once, so init runs once.
        try FileManager.default.removeItem(atPath: folder + "/init")
        let second = try PluginLoader(options: PluginLoaderOptions(libraryPaths: [])).load(libraryAt: library)
        #expect(first.library === second.library)
        #expect(!FileManager.default.fileExists(atPath: folder + "/init"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/deinit"))
        first.library.finish()
        second.library.finish()
        #expect(try String(contentsOfFile: folder + "/deinit", encoding: .utf8) == "x")
    }

    /// The pin is compared with the hash of the very file descriptor that is then loaded,
    /// before `dlopen`: a library that fails it never runs its constructors.
    @Test func aWrongPinRunsNoCodeOfTheLibrary() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let marker = folder + "/constructor-ran"
        let source = TestPluginSource.generator()
            + "\n__attribute__((constructor)) static void leave_marker(void) { FILE *f = fopen(\"\(marker)\", \"w\"); if (f) fclose(f); }\n"
        _ = try await HostTestSupport.compileC(source, named: "test", in: folder)
        let pinned = try HostTestSupport.writeManifest(in: folder, ["sha256": String(repeating: "ab", count: 32)])
        let error = try #require(loadError { _ = try loader.load(manifestAt: pinned) })
        #expect(error.kind == .checksumMismatch)
        #expect(error.description.contains("none of its code was run"))
        #expect(!FileManager.default.fileExists(atPath: marker))
        // Unpinned, the same library loads and its constructor runs: the marker works.
        let unpinned = try HostTestSupport.writeManifest(in: folder, named: "unpinned.json", [:])
        _ = try PluginLoader(options: PluginLoaderOptions(libraryPaths: [])).load(manifestAt: unpinned)
        #expect(FileManager.default.fileExists(atPath: marker))
    }
}
