/// A plugin's refusal of a node's config, placed in the graph file: the file, and the JSON
/// path of the setting when the plugin's reason names one (`config.servers[0].command: …`).
enum ConfigRefusal {
    /// Runs `make`; a native plugin's refusal to create the node becomes a graph error at
    /// `path` (the node's `config`, or the setting under it that the reason names).
    static func placing<T>(file: String, path: String, _ make: () async throws -> T) async throws -> T {
        do {
            return try await make()
        } catch let error as PluginLoadError where error.kind == .createFailed {
            guard let reason = error.pluginReason else { throw error }
            let setting = settingPath(in: reason)
            // `config.path: cannot read …` loses its path to the place; `config.x is not …`
            // keeps it, as the subject of its sentence.
            let rest = setting.map { reason.dropFirst($0.count) }
            let message = rest.map { $0.hasPrefix(":") ? String($0.dropFirst().drop { $0 == " " }) : reason } ?? reason
            throw GraphBuildError(diagnostics: [
                GraphDiagnostic(
                    .error, file: file, path: path + (setting.map { String($0.dropFirst("config".count)) } ?? ""),
                    message: message, fix: error.fix)
            ])
        }
    }

    /// The `config…` path a reason starts with (`config.servers[0].command`), if it starts with one.
    static func settingPath(in reason: String) -> String? {
        guard reason.hasPrefix("config") else { return nil }
        let path = reason.prefix { !$0.isWhitespace && $0 != ":" }
        let rest = path.dropFirst("config".count)
        guard rest.isEmpty || rest.first == "." || rest.first == "[" else { return nil }
        return String(path)
    }
}
