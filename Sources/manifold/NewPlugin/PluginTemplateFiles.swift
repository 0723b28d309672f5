/// The files a new plugin package has whatever its language.
enum PluginTemplateFiles {
    /// The plugin manifest, beside which `build.sh` puts the library.
    static func manifest(name: String, schema: String) -> String {
        """
        {
          "manifestVersion": 1,
          "name": "\(name)",
          "version": "0.1.0",
          "abi": "2.0",
          "kind": "generator",
          "library": "lib\(name).so",
          "description": "Reverses text.",
          "inputs": ["text/plain"],
          "outputs": ["text/plain"],
          "configSchema": \(schema)
        }

        """
    }

    /// A graph that runs the plugin between an input and an output. It lives beside the
    /// plugin folder, not in it: every `.json` in a plugin folder is read as a plugin manifest.
    static func exampleGraph(name: String) -> String {
        """
        {
          "manifold": 1,
          "name": "\(name)-example",
          "plugins": ["plugins"],
          "inputs": { "text": { "topic": "input", "types": ["text/plain"] } },
          "outputs": { "reversed": { "topic": "reversed", "types": ["text/plain"] } },
          "nodes": {
            "\(name)": { "plugin": "\(name)", "subscribe": ["input"], "output": "reversed" }
          }
        }

        """
    }

    /// The lines of `build.sh test` that validate and run the example graph, indented for its `if`.
    static let graphCheck = """
            manifold="${MANIFOLD:-manifold}"
            "$manifold" validate example.json
            output=$("$manifold" run example.json --input hello)
            if [ "$output" != olleh ]; then
                echo "example.json: expected 'olleh' for 'hello', got '$output'" >&2
                exit 1
            fi
            echo "ok: example.json turned 'hello' into '$output'"
        """
}
