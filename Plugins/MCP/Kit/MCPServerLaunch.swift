import Foundation
import ManifoldPluginKit

/// How the node reaches one server, decided from its spec before anything starts.
enum MCPServerLaunch: Sendable {
    /// A program started with `environment`, spoken to over its standard input and output.
    case program(executable: String, environment: [String: String])
    /// A Streamable HTTP endpoint, sent `headers` with every request.
    case endpoint(url: String, headers: [String: String])

    /// What `spec`, the server at `config.servers[index]`, asks for.
    ///
    /// - Throws: `ConfigurationError` naming the setting and the fix: neither or both of
    ///   `command` and `url`, a `url` that is not http(s), settings of the other kind, a
    ///   program that is not there.
    static func resolve(_ spec: MCPServerSpec, index: Int, hostEnvironment: [String: String]) throws -> MCPServerLaunch {
        let place = "config.servers[\(index)]"
        switch (spec.command, spec.url) {
        case (let command?, nil):
            if spec.headers != nil {
                throw ConfigurationError(message: "\(place).headers: only a server with a \"url\" is sent headers; give a program its values in \"env\"")
            }
            let environment = MCPEnvironment.variables(for: spec, host: hostEnvironment)
            return .program(
                executable: try MCPEnvironment.executable(command, for: spec, index: index, environment: environment), environment: environment)
        case (nil, let url?):
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw ConfigurationError(message: "\(place).url: '\(url)' is not an http:// or https:// URL; give the server's MCP endpoint, e.g. http://127.0.0.1:8000/mcp")
            }
            for (key, given) in [("args", spec.args != nil), ("env", spec.env != nil), ("inheritEnvironment", spec.inheritEnvironment != nil), ("workingDirectory", spec.workingDirectory != nil)]
            where given {
                throw ConfigurationError(message: "\(place).\(key): a server reached by \"url\" is not started by the node; \(key) applies only to a \"command\"")
            }
            return .endpoint(url: url, headers: spec.headers ?? [:])
        case (nil, nil):
            throw ConfigurationError(message: "\(place) ('\(spec.name)'): give \"command\" (a program the node starts) or \"url\" (a Streamable HTTP endpoint)")
        case (_?, _?):
            throw ConfigurationError(message: "\(place) ('\(spec.name)'): give \"command\" or \"url\", not both")
        }
    }
}
