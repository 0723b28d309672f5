import Foundation
import ManifoldPluginKit

/// The environment and the program of a server, decided before it is started.
///
/// A server gets few of the host's variables: API keys and tokens in the host's environment
/// are not its business. It inherits `inheritedByDefault` and those its spec names, then its
/// spec's `env` on top.
public enum MCPEnvironment {
    /// The host variables every server inherits when the host has them.
    public static let inheritedByDefault = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
    ]

    /// The environment `spec`'s server runs with.
    static func variables(for spec: MCPServerSpec, host: [String: String]) -> [String: String] {
        var variables: [String: String] = [:]
        for name in inheritedByDefault + (spec.inheritEnvironment ?? []) {
            if let value = host[name] { variables[name] = value }
        }
        for (name, value) in spec.env ?? [:] { variables[name] = value }
        return variables
    }

    /// The program `command` of `spec` names, as an absolute path: a name with a `/` taken as it is
    /// (relative to the working directory), a bare name looked up on the server's `PATH`.
    ///
    /// - Throws: `ConfigurationError` naming `config.servers[index].command` and where it looked.
    static func executable(
        _ command: String, for spec: MCPServerSpec, index: Int, environment: [String: String]
    ) throws -> String {
        let directory = spec.workingDirectory ?? FileManager.default.currentDirectoryPath
        if command.contains("/") {
            let path = command.hasPrefix("/") ? command : directory + "/" + command
            guard isExecutableFile(path) else {
                throw ConfigurationError(
                    message: "config.servers[\(index)].command: \(path) is not an executable file (server '\(spec.name)'); give the server program's path")
            }
            return path
        }
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        for folder in folders {
            let path = (folder.hasPrefix("/") ? folder : directory + "/" + folder) + "/" + command
            if isExecutableFile(path) { return path }
        }
        throw ConfigurationError(
            message: "config.servers[\(index)].command: '\(command)' is not on the PATH of server '\(spec.name)' ("
                + (folders.isEmpty ? "empty" : folders.joined(separator: ":"))
                + "); install it, give its full path, or set PATH in the server's \"env\"")
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
