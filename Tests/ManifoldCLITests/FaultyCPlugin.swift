import Foundation

/// C plugins with one fault each, for `manifold check-plugin` to find: built by
/// `TestCPlugin` from the ABI header (text/plain in and out, flagged concurrent), each in a
/// folder of its own with its manifest beside it. `manifest` is the manifest's path.
struct FaultyCPlugin {
    let folder: String
    let name: String
    var manifest: String { folder + "/\(name).json" }
    var library: String { folder + "/lib\(name).so" }

    /// C functions the faulty bodies call: emit a text output of a given type, complete OK.
    static let functions = """
        #include <pthread.h>
        #include <stdio.h>
        static void emit_text(const manifold_call *call, const char *type, const char *text) {
            manifold_artifact out;
            memset(&out, 0, sizeof out);
            out.struct_size = sizeof out;
            out.type = manifold_str_from_cstr(type);
            out.payload.data = (const uint8_t *)text;
            out.payload.length = strlen(text);
            call->emit(call->context, &out);
        }
        static void complete_ok(const manifold_call *call) { call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr("")); }
        """

    /// A plugin whose `process` runs `process` (with `instance`, `input`, `call` in scope).
    static func build(
        _ name: String, process: String, create: String = "*out = malloc(1);\n    return MANIFOLD_OK;", configSchema: String = "NULL",
        extraSource: String = ""
    ) async throws -> FaultyCPlugin {
        let folder = try await TestCPlugin.build(
            name: name, process: process, create: create, configSchema: configSchema, extraSource: functions + "\n" + extraSource)
        return FaultyCPlugin(folder: folder, name: name)
    }

    /// A plugin that works: emits its input's text back and completes.
    static func working(_ name: String) async throws -> FaultyCPlugin {
        try await build(name, process: "emit_text(call, \"text/plain\", \"ok\");\n    complete_ok(call);")
    }

    /// Rewrites members of the manifest (a top-level member set to `nil` is removed).
    func editManifest(_ members: [String: Any?]) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as? [String: Any] ?? [:]
        for (key, value) in members { object[key] = value }
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: manifest))
    }
}
