import Foundation
import Logging
import Manifold
import ManifoldHost

/// Builds one-off C plugin libraries from a `process` body and reads back what they report.
///
/// Each library holds one generator named `probe` whose `process` is the given C code (with
/// `instance`, `input` and `call` in scope), plus `static int report[16]` the plugin can fill
/// and the test reads back through `report(_:)`.
struct CPluginKit {
    let folder: String
    let library: String
    let plugin: LoadedPlugin
    let generator: NativeGenerator

    /// Compiles and loads the plugin, and makes one instance of it.
    init(
        _ name: String, process: String, prelude: String = "", extensions: String = "NULL",
        flags: String = "MANIFOLD_PLUGIN_FLAG_CONCURRENT", inputs: String = "\"*/*\"", outputs: String = "\"*/*\""
    ) async throws {
        folder = try HostTestSupport.temporaryFolder()
        let source = """
            #include <pthread.h>
            #include <stdatomic.h>
            #include <stdlib.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            #include "manifold_plugin.h"

            MANIFOLD_EXPORT atomic_int report[16];

            static manifold_status probe_create(const manifold_plugin *p, manifold_str config, const manifold_host *host,
                                                void **out, char *error, size_t capacity) {
                (void)p; (void)config; (void)host; (void)error; (void)capacity;
                *out = calloc(1, 4096);  /* room for any test state */
                return MANIFOLD_OK;
            }
            static void probe_shutdown(void *instance, void (*done)(void *), void *context) { (void)instance; done(context); }
            static void probe_destroy(void *instance) { free(instance); }

            \(prelude)

            static void probe_process(void *instance, const manifold_artifact *input, const manifold_call *call) {
                (void)instance; (void)input;
                \(process)
            }

            static const void *probe_get_extension(const manifold_plugin *plugin, const char *id);
            static const char *const probe_inputs[] = { \(inputs) };
            static const char *const probe_outputs[] = { \(outputs) };
            static const manifold_plugin probe_plugin = {
                .struct_size = sizeof(manifold_plugin), .name = "probe", .version = "1.0.0",
                .kind = MANIFOLD_KIND_GENERATOR, .flags = \(flags),
                .input_types = probe_inputs, .input_type_count = 1, .output_types = probe_outputs, .output_type_count = 1,
                .create = probe_create, .process = probe_process, .shutdown = probe_shutdown, .destroy = probe_destroy,
                .get_extension = probe_get_extension,
            };
            static const void *probe_get_extension(const manifold_plugin *plugin, const char *id) {
                (void)plugin; (void)id;
                return \(extensions);
            }
            """ + TestPluginSource.library(plugins: ["probe_plugin"])
        library = try await HostTestSupport.compileC(source, named: name, in: folder)
        plugin = try PluginLoader(options: PluginLoaderOptions(libraryPaths: [])).load(libraryAt: library)
        generator = try plugin.makeGenerator(node: "probe", config: [:], logger: Logger(label: "test"))
    }

    /// The value the plugin stored in `report[index]`.
    func report(_ index: Int) -> Int32 {
        // The host opened the library through its descriptor; RTLD_NOLOAD finds that same
        // object by file identity without loading anything.
        guard let handle = dlopen(library, RTLD_NOW | RTLD_NOLOAD), let symbol = dlsym(handle, "report") else { return -1 }
        return symbol.assumingMemoryBound(to: Int32.self)[index]
    }

    /// What the host refused of the plugin's emits (`ProcessingContext.reject`), across runs.
    let rejected = CollectedProblems()

    /// Runs one input through the instance and collects its outputs; refused emits go to `rejected`.
    func run(_ input: Artifact) async throws -> [Artifact] {
        let outputs = Collected()
        let context = ProcessingContext(
            node: "probe", input: input, emitter: { outputs.append($0) }, rejecter: { [rejected] in rejected.append($0) })
        try await generator.process(input, context: context)
        return outputs.items
    }
}

/// Problems reported from any thread.
final class CollectedProblems: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ problem: String) {
        lock.withLock { stored.append(problem) }
    }

    var items: [String] { lock.withLock { stored } }
}

/// Outputs gathered from any thread.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Artifact] = []

    func append(_ artifact: Artifact) {
        lock.withLock { stored.append(artifact) }
    }

    var items: [Artifact] { lock.withLock { stored } }
}
