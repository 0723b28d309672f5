import Foundation

/// One-off C plugins for the CLI tests, compiled by the system C compiler from the ABI header
/// alone, each in a new folder with its plugin manifest beside it: a folder a graph's
/// `"plugins"` can name.
enum TestCPlugin {
    /// Builds a generator plugin `name` (text/plain in, `outputType` out) whose `process` runs
    /// `process` (with `instance`, `input` and `call` in scope), and returns its folder.
    ///
    /// - Parameters:
    ///   - create: the body of `create` (with `config`, `out` in scope); by default one that
    ///     ignores the config.
    ///   - configSchema: a C string literal for `config_schema` (`NULL` for none).
    ///   - extraSource: C code placed before the plugin's functions (helpers they call).
    ///   - getExtension: the name of a `get_extension` function defined in `extraSource`.
    ///   - extensions: the extensions the plugin manifest declares (e.g. `manifold.source`).
    static func build(
        name: String, process: String, outputType: String = "text/plain",
        create: String = "*out = malloc(1);\n    return MANIFOLD_OK;", configSchema: String = "NULL", extraSource: String = "",
        getExtension: String? = nil, extensions: [String] = []
    ) async throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-cli-plugin-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let source = """
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            #include "manifold_plugin.h"

            \(extraSource)
            static manifold_status plugin_create(const manifold_plugin *p, manifold_str config, const manifold_host *host,
                                                 void **out, char *error, size_t capacity) {
                (void)p; (void)config; (void)host; (void)error; (void)capacity;
                \(create)
            }
            static void plugin_shutdown(void *instance, void (*done)(void *), void *context) { (void)instance; done(context); }
            static void plugin_destroy(void *instance) { free(instance); }
            static void plugin_process(void *instance, const manifold_artifact *input, const manifold_call *call) {
                (void)instance; (void)input; (void)call;
                \(process)
            }
            static const char *const plugin_types[] = { "text/plain" };
            static const char *const plugin_output_types[] = { "\(outputType)" };
            static const manifold_plugin the_plugin = {
                .struct_size = sizeof(manifold_plugin), .name = "\(name)", .version = "1.0.0",
                .kind = MANIFOLD_KIND_GENERATOR, .flags = MANIFOLD_PLUGIN_FLAG_CONCURRENT,
                .config_schema = \(configSchema),
                .input_types = plugin_types, .input_type_count = 1, .output_types = plugin_output_types, .output_type_count = 1,
                .create = plugin_create, .process = plugin_process, .shutdown = plugin_shutdown, .destroy = plugin_destroy,
                \(getExtension.map { ".get_extension = \($0)," } ?? "")
            };
            static const manifold_plugin *const library_plugins[] = { &the_plugin };
            static uint32_t library_plugin_count(const manifold_plugin_factory *factory) { (void)factory; return 1; }
            static const manifold_plugin *library_plugin_at(const manifold_plugin_factory *factory, uint32_t index) {
                (void)factory;
                return index == 0 ? library_plugins[0] : NULL;
            }
            static const manifold_plugin_factory library_factory = {
                .struct_size = sizeof(manifold_plugin_factory),
                .plugin_count = library_plugin_count, .plugin_at = library_plugin_at,
            };
            static const void *library_get_factory(const char *id) {
                return strcmp(id, MANIFOLD_PLUGIN_FACTORY_ID) == 0 ? &library_factory : NULL;
            }
            static bool library_init(const char *path) { (void)path; return true; }
            static void library_deinit(void) {}
            static const manifold_library the_library = {
                .abi_version = MANIFOLD_ABI_VERSION_INIT, .struct_size = sizeof(manifold_library),
                .init = library_init, .deinit = library_deinit, .get_factory = library_get_factory,
            };
            MANIFOLD_EXPORT const manifold_library *manifold_library_entry(void) { return &the_library; }
            """
        try source.write(toFile: folder + "/\(name).c", atomically: true, encoding: .utf8)
        try await compile([folder + "/\(name).c"], into: folder + "/lib\(name).so")
        let manifest = """
            { "manifestVersion": 1, "name": "\(name)", "version": "1.0.0", "abi": "2.0", "kind": "generator",
              "concurrent": true, "library": "lib\(name).so", "inputs": ["text/plain"], "outputs": ["\(outputType)"],
              "extensions": [\(extensions.map { "\"\($0)\"" }.joined(separator: ", "))] }
            """
        try manifest.write(toFile: folder + "/\(name).json", atomically: true, encoding: .utf8)
        return folder
    }

    /// Compiles C `sources` into the shared library `output` against the ABI headers, plus
    /// any further include folders.
    static func compile(_ sources: [String], into output: String, includes: [String] = []) async throws {
        let compiler = try await ChildProcess.launch(
            executable: "/usr/bin/cc",
            arguments: ["-std=gnu11", "-shared", "-fPIC", "-pthread", "-I", CLI.repositoryRoot + "/PluginSDK/Sources/CManifoldABI/include"]
                + includes.flatMap { ["-I", $0] } + sources + ["-o", output],
            directory: (output as NSString).deletingLastPathComponent)
        try compiler.input.fileHandleForWriting.close()
        let compiled = await compiler.collect(timeLimit: CLI.timeLimit)
        guard compiled.status == 0 else { throw CompileError(output: compiled.stderr + compiled.stdout) }
    }

    struct CompileError: Error, CustomStringConvertible {
        let output: String
        var description: String { "C compilation failed:\n\(output)" }
    }
}
