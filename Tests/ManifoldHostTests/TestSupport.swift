import Foundation
import ManifoldHost
import Testing

/// Paths and helpers shared by the host tests.
enum HostTestSupport {
    /// The repository root, from this source file's place in it (sources, not build products).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The folder with the C ABI header.
    static var abiIncludeFolder: String { repositoryRoot + "/PluginSDK/Sources/CManifoldABI/include" }

    /// The bundled plugin manifests.
    static var bundledManifests: String { repositoryRoot + "/manifests/plugins" }

    /// The folder the test binary was built into, where `swift build` also puts the plugin libraries.
    static let buildFolder: String = {
        if let configured = ProcessInfo.processInfo.environment["MANIFOLD_BUILD_DIR"] { return configured }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = (executable as NSString).deletingLastPathComponent
        // Inside an .xctest bundle on some layouts; walk up to the folder holding the libraries.
        while !folder.isEmpty && folder != "/" {
            if FileManager.default.fileExists(atPath: folder + "/libManifoldEcho.so") { return folder }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return (executable as NSString).deletingLastPathComponent
    }()

    /// A bundled plugin library by product name, e.g. `ManifoldEcho`.
    static func library(_ product: String) -> String {
        buildFolder + "/lib\(product).so"
    }

    /// A new private temporary folder.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "manifold-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Compiles C source into a shared library with the system C compiler.
    @discardableResult
    static func compileC(_ source: String, named name: String, in folder: String, flags: [String] = []) async throws -> String {
        let sourcePath = folder + "/\(name).c"
        let output = folder + "/lib\(name).so"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let result = try await run("/usr/bin/cc", ["-std=c11", "-shared", "-fPIC", "-I", abiIncludeFolder, sourcePath, "-o", output] + flags)
        guard result.status == 0 else { throw CompileError(output: result.output) }
        return output
    }

    struct CompileError: Error, CustomStringConvertible {
        let output: String
        var description: String { "C compilation failed:\n\(output)" }
    }

    /// Runs a program and returns its exit status and merged output. The wait happens on a
    /// thread of its own: a test blocking a thread of the concurrency pool on a compiler (two
    /// threads on two cores) would starve every other test's tasks.
    static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return await withCheckedContinuation { continuation in
            let waiter = Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
            waiter.start()
        }
    }

    /// Writes a plugin manifest for `library` into `folder`, overriding fields as given.
    static func writeManifest(in folder: String, named file: String = "plugin.json", _ fields: [String: Any]) throws -> String {
        var manifest: [String: Any] = [
            "manifestVersion": 1, "name": "test", "version": "1.0.0", "abi": "2.0", "kind": "generator",
            "library": "libtest.so", "inputs": ["text/plain"], "outputs": ["text/plain"],
            // The test plugin is built with MANIFOLD_PLUGIN_FLAG_CONCURRENT.
            "concurrent": true,
        ]
        for (key, value) in fields { manifest[key] = value }
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .prettyPrinted])
        let path = folder + "/" + file
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// The `PluginLoadError` `body` throws; nil (and a recorded issue for any other error) when
/// it throws none of that kind.
func loadError<T>(_ body: () throws -> T) -> PluginLoadError? {
    do {
        _ = try body()
        return nil
    } catch let error as PluginLoadError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// C source of test plugins, parameterised so each bad plugin differs from a good one in one place.
enum TestPluginSource {
    struct Options {
        var name = "test"
        var version = "1.0.0"
        /// The library's ABI version, as a C initialiser.
        var abi = "MANIFOLD_ABI_VERSION_INIT"
        var structSize = "sizeof(manifold_plugin)"
        var kind = "MANIFOLD_KIND_GENERATOR"
        var inputs = "\"text/plain\""
        var outputs = "\"text/plain\""
        var entryName = "manifold_library_entry"
        var entryReturnsNull = false
        var createFails = false
        /// Complete from a separate thread, after emitting `asyncOutputs` outputs.
        var asyncOutputs = 0
    }

    /// A whole library: the test plugin and a factory listing it.
    static func generator(_ options: Options = Options()) -> String {
        plugin(options)
            + library(plugins: ["test_plugin"], abi: options.abi, entryName: options.entryName, returnsNull: options.entryReturnsNull)
    }

    /// The test plugin's descriptor `test_plugin` and its functions, without a library entry:
    /// for libraries that list it with others or differ in their entry.
    static func plugin(_ options: Options = Options()) -> String {
        """
        #include <pthread.h>
        #include <stdlib.h>
        #include <stdio.h>
        #include <string.h>
        #include "manifold_plugin.h"

        typedef struct job { const manifold_call *call; const manifold_artifact *input; } job;

        static manifold_status test_create(const manifold_plugin *p, manifold_str config, const manifold_host *host,
                                           void **out, char *error, size_t capacity) {
            (void)p; (void)host;
            if (\(options.createFails ? 1 : 0)) {
                snprintf(error, capacity, "the test plugin always refuses (config was %.*s)", (int)config.length, config.data);
                return MANIFOLD_ERROR;
            }
            *out = malloc(1);
            return MANIFOLD_OK;
        }

        static void *test_worker(void *opaque) {
            job *work = opaque;
            for (int i = 0; i < \(options.asyncOutputs); i++) {
                char text[32];
                snprintf(text, sizeof text, "piece %d", i);
                manifold_artifact out; memset(&out, 0, sizeof out);
                out.struct_size = sizeof out;
                out.type = manifold_str_from_cstr("text/plain");
                out.payload.data = (const uint8_t *)text; out.payload.length = strlen(text);
                if (work->call->emit(work->call->context, &out) != MANIFOLD_OK) break;
            }
            work->call->complete(work->call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
            free(work);
            return NULL;
        }

        static void test_process(void *instance, const manifold_artifact *input, const manifold_call *call) {
            (void)instance;
            if (\(options.asyncOutputs) > 0) {
                job *work = malloc(sizeof *work);
                work->call = call; work->input = input;
                pthread_t thread;
                pthread_create(&thread, NULL, test_worker, work);
                pthread_detach(thread);
                return;
            }
            manifold_artifact out; memset(&out, 0, sizeof out);
            out.struct_size = sizeof out;
            out.type = manifold_str_from_cstr("text/plain");
            out.payload.data = input->payload.data; out.payload.length = input->payload.length;
            call->emit(call->context, &out);
            call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
        }

        static void test_shutdown(void *instance, void (*done)(void *), void *context) { (void)instance; done(context); }
        static void test_destroy(void *instance) { free(instance); }

        static const char *const test_inputs[] = { \(options.inputs) };
        static const char *const test_outputs[] = { \(options.outputs) };
        static const manifold_plugin test_plugin = {
            .struct_size = \(options.structSize),
            .name = "\(options.name)",
            .version = "\(options.version)",
            .description = "a test plugin",
            .kind = \(options.kind),
            .flags = MANIFOLD_PLUGIN_FLAG_CONCURRENT,
            .input_types = test_inputs, .input_type_count = sizeof test_inputs / sizeof *test_inputs,
            .output_types = test_outputs, .output_type_count = sizeof test_outputs / sizeof *test_outputs,
            .config_schema = NULL,
            .create = test_create, .process = test_process, .shutdown = test_shutdown, .destroy = test_destroy,
        };


        """
    }

    /// The factory and library entry of a C test library holding the named static descriptors.
    static func library(
        plugins: [String], abi: String = "MANIFOLD_ABI_VERSION_INIT", structSize: String = "sizeof(manifold_library)",
        entryName: String = "manifold_library_entry", returnsNull: Bool = false, initBody: String = "return true;",
        deinitBody: String = ""
    ) -> String {
        """
        static const manifold_plugin *const library_plugins[] = { \(plugins.map { "&" + $0 }.joined(separator: ", ")) };
        static uint32_t library_plugin_count(const manifold_plugin_factory *factory) {
            (void)factory;
            return (uint32_t)(sizeof library_plugins / sizeof *library_plugins);
        }
        static const manifold_plugin *library_plugin_at(const manifold_plugin_factory *factory, uint32_t index) {
            (void)factory;
            return index < library_plugin_count(factory) ? library_plugins[index] : NULL;
        }
        static const manifold_plugin_factory library_factory = {
            .struct_size = sizeof(manifold_plugin_factory),
            .plugin_count = library_plugin_count, .plugin_at = library_plugin_at,
        };
        static const void *library_get_factory(const char *id) {
            return strcmp(id, MANIFOLD_PLUGIN_FACTORY_ID) == 0 ? &library_factory : NULL;
        }
        static bool library_init(const char *path) { (void)path; \(initBody) }
        static void library_deinit(void) { \(deinitBody) }
        static const manifold_library test_library = {
            .abi_version = \(abi),
            .struct_size = \(structSize),
            .init = library_init, .deinit = library_deinit,
            .get_factory = library_get_factory,
        };
        MANIFOLD_EXPORT const manifold_library *\(entryName)(void) {
            return \(returnsNull ? "NULL" : "&test_library");
        }
        """
    }
}
