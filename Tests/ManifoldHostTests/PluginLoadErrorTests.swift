import Foundation
import ManifoldHost
import Testing

/// Every way loading a plugin can fail gives an error that names the file, the problem and the fix.
@Suite("Plugin load errors")
struct PluginLoadErrorTests {
    let loader = PluginLoader(options: PluginLoaderOptions(libraryPaths: []))

    @Test func missingFile() async throws {
        let error = try #require(loadError { try loader.load(libraryAt: "/nonexistent/libnothing.so") })
        #expect(error.kind == .fileMissing)
        #expect(error.file == "/nonexistent/libnothing.so")
        #expect(error.description.contains("does not exist"))
        #expect(error.description.contains("fix:"))
    }

    @Test func notAnELFFile() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/libtext.so"
        try "just text, not a library".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(loadError { try loader.load(libraryAt: path) })
        #expect(error.kind == .notELF)
        #expect(error.description.contains("not an ELF shared library"))
    }

    @Test func wrongArchitecture() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let path = folder + "/libarm.so"
        // A 64-bit ELF header for AArch64 (e_machine 183): the host must refuse before dlopen.
        var header = [UInt8](repeating: 0, count: 64)
        header[0...3] = [0x7f, 0x45, 0x4c, 0x46]
        header[4] = 2
        header[5] = 1
        header[16] = 3
        header[18] = 183
        try Data(header).write(to: URL(fileURLWithPath: path))
        let error = try #require(loadError { try loader.load(libraryAt: path) })
        #expect(error.kind == .wrongArchitecture)
        #expect(error.description.contains("AArch64"))
        #expect(error.description.contains("rebuild the plugin for this machine"))
    }

    @Test func missingDependency() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let dependency = try await HostTestSupport.compileC("int helper_value(void) { return 42; }", named: "helperdep", in: folder)
        var options = TestPluginSource.Options()
        options.name = "needsdep"
        let plugin = try await HostTestSupport.compileC(
            TestPluginSource.generator(options) + "\nint helper_value(void);\nint use_helper(void) { return helper_value(); }\n",
            named: "needsdep", in: folder, flags: ["-L", folder, "-lhelperdep", "-Wl,-rpath,\(folder)"])
        try FileManager.default.removeItem(atPath: dependency)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .missingDependency)
        #expect(error.description.contains("libhelperdep.so"))
        #expect(error.description.contains("ldd"))
    }

    @Test func missingEntrySymbol() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.entryName = "some_other_entry"
        let plugin = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "noentry", in: folder)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .missingEntrySymbol)
        #expect(error.description.contains("does not export manifold_library_entry"))
        #expect(error.description.contains("public"))
    }

    @Test func entryReturnsNull() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.entryReturnsNull = true
        let plugin = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "refuses", in: folder)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .entryRefused)
        #expect(error.description.contains("returned NULL"))
    }

    @Test func abiMinorTooNew() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.abi = "{2, 9}"
        let plugin = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "toonew", in: folder)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .abiTooNew)
        #expect(error.description.contains("built against ABI 2.9, this host supports up to 2.0"))
        #expect(error.description.contains("rebuild the plugin against this host's header or upgrade the host"))
    }

    @Test func abiMajorMismatch() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.abi = "{3, 0}"
        let plugin = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "major3", in: folder)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .abiMajorMismatch)
        #expect(error.description.contains("ABI 3.0"))
        #expect(error.description.contains("upgrade the host"))
    }

    /// A library built against ABI 1 exports the old entry symbol: the host names the ABI and the fix.
    @Test func abiOnePluginIsExplained() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let plugin = try await HostTestSupport.compileC(
            """
            #include <stdint.h>
            __attribute__((visibility("default"))) const void *manifold_plugin_entry(uint32_t host) { (void)host; return 0; }
            """, named: "abione", in: folder)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .abiMajorMismatch)
        #expect(error.description.contains("built against ABI 1.x"))
        #expect(error.description.contains("manifold_library_entry"))
    }

    @Test func structSizeTooSmall() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.structSize = "16"
        let plugin = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "small", in: folder)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .structTooSmall)
        #expect(error.description.contains("struct_size 16 bytes"))
    }

    @Test func malformedDescriptorType() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.outputs = "\"text\""
        let plugin = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "badtype", in: folder)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .malformedDescriptor)
        #expect(error.description.contains("malformed output type"))
    }

    @Test func worldWritableLibraryIsRefusedUnlessAllowed() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let plugin = try await HostTestSupport.compileC(TestPluginSource.generator(), named: "open", in: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: plugin)
        let error = try #require(loadError { try loader.load(libraryAt: plugin) })
        #expect(error.kind == .insecurePermissions)
        #expect(error.description.contains("writable by every user"))
        #expect(error.description.contains("chmod go-w"))
        let permissive = PluginLoader(options: PluginLoaderOptions(libraryPaths: [], allowInsecurePermissions: true))
        #expect(try permissive.load(libraryAt: plugin).descriptor.name == "test")
    }

    /// A manifest names the library to load: whoever can rewrite it chooses the code, so it is
    /// held to the library's rule, and so is every folder on the way to either.
    @Test func aManifestOrFolderOthersCanWriteIsRefusedBeforeAnyLibraryLoads() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        let marker = folder + "/constructor-ran"
        let source = TestPluginSource.generator()
            + "\n__attribute__((constructor)) static void leave_marker(void) { FILE *f = fopen(\"\(marker)\", \"w\"); if (f) fclose(f); }\n"
        _ = try await HostTestSupport.compileC(source, named: "test", in: folder)
        let manifest = try HostTestSupport.writeManifest(in: folder, [:])
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: manifest)
        let writableManifest = try #require(loadError { try loader.load(manifestAt: manifest) })
        #expect(writableManifest.kind == .insecurePermissions)
        #expect(writableManifest.description.contains("is a plugin manifest writable by every user (mode 0666)"))
        #expect(loadError { try loader.describe(manifestAt: manifest) }?.kind == .insecurePermissions)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: manifest)
        try FileManager.default.setAttributes([.posixPermissions: 0o770], ofItemAtPath: folder)
        let writableFolder = try #require(loadError { try loader.load(manifestAt: manifest) })
        #expect(writableFolder.description.contains("\(folder) (on the way to \(manifest)) is a folder writable by its group"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func createFailureCarriesThePluginsReason() async throws {
        let folder = try HostTestSupport.temporaryFolder()
        var options = TestPluginSource.Options()
        options.createFails = true
        let path = try await HostTestSupport.compileC(TestPluginSource.generator(options), named: "nocreate", in: folder)
        let plugin = try loader.load(libraryAt: path)
        do {
            _ = try plugin.makeGenerator(node: "worker", config: ["answer": 42], logger: .init(label: "test"))
            Issue.record("create should have failed")
        } catch let error as PluginLoadError {
            #expect(error.kind == .createFailed)
            #expect(error.description.contains("refused to create node 'worker'"))
            #expect(error.description.contains("the test plugin always refuses (config was {\"answer\":42})"))
        }
    }

    @Test func unknownPluginNameListsKnownOnes() async throws {
        let named = PluginLoader(options: PluginLoaderOptions(searchPaths: [HostTestSupport.bundledManifests]))
        let error = try #require(loadError { try named.load(named: "uppercsae") })
        #expect(error.kind == .notFound)
        #expect(error.description.contains("no plugin named 'uppercsae'"))
        #expect(error.fix.hasPrefix("did you mean 'uppercase'? check the name"))
        #expect(error.fix.contains("MANIFOLD_PLUGIN_PATH"))
    }

    /// Thousands of nodes naming a plugin that cannot be had: one search, and the error at
    /// each node; a folder named twice is searched once.
    @Test func aMissingPluginIsReportedAtEveryNodeNamingIt() throws {
        let folder = try HostTestSupport.temporaryFolder()
        let nodes = (0..<50).map { "\"n\($0)\": {\"plugin\": \"uppercsae\", \"subscribe\": [\"input\"], \"output\": \"out\"}" }
        let graph = folder + "/graph.json"
        try """
            {"manifold": 1, "name": "many", "plugins": ["\(HostTestSupport.bundledManifests)"],
             "inputs": {"text": {"topic": "input", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {\(nodes.joined(separator: ", "))}}
            """.write(toFile: graph, atomically: true, encoding: .utf8)
        let validation = GraphValidator.validate(
            manifestAt: graph, loaderOptions: PluginLoaderOptions(searchPaths: [HostTestSupport.bundledManifests]),
            resolution: .manifestsOnly)
        let missing = validation.errors.filter { $0.message.contains("no plugin named 'uppercsae'") }
        #expect(Set(missing.map(\.path)) == Set((0..<50).map { "$.nodes.n\($0).plugin" }))
        #expect(missing.allSatisfy { $0.message.contains("in \(HostTestSupport.bundledManifests);") }, "\(missing.first?.message ?? "")")
    }
}
