import ManifoldPluginKit

/// The time limits and restart policy of an `mcp` node, with every default filled in.
struct MCPSettings: Sendable {
    /// How long one tool call may take, waiting for its server included.
    var callTimeoutSeconds: Double
    /// How long a server may take from its start to the end of the MCP handshake.
    var startTimeoutSeconds: Double
    /// How a server that exited is started again.
    var restart: MCPRestartPolicy

    /// The settings `configuration` asks for.
    ///
    /// - Throws: `ConfigurationError` naming the setting that is out of range and the range.
    init(_ configuration: MCPConfiguration) throws {
        callTimeoutSeconds = try Self.seconds(configuration.callTimeoutSeconds, default: 60, path: "config.callTimeoutSeconds")
        startTimeoutSeconds = try Self.seconds(configuration.startTimeoutSeconds, default: 30, path: "config.startTimeoutSeconds")
        restart = configuration.restart ?? MCPRestartPolicy()
        _ = try Self.seconds(restart.initialDelaySeconds, default: 0.5, path: "config.restart.initialDelaySeconds")
        _ = try Self.seconds(restart.maxDelaySeconds, default: 30, path: "config.restart.maxDelaySeconds")
        if let attempts = restart.maxAttempts, !(0...1000).contains(attempts) {
            throw ConfigurationError(message: "config.restart.maxAttempts is \(attempts): give 0 (never restart) to 1000")
        }
    }

    private static func seconds(_ value: Double?, default fallback: Double, path: String) throws -> Double {
        let seconds = value ?? fallback
        guard MCPConfiguration.secondsRange.contains(seconds) else {
            throw ConfigurationError(
                message: "\(path) is \(seconds): give \(MCPConfiguration.secondsRange.lowerBound) to \(Int(MCPConfiguration.secondsRange.upperBound)) seconds")
        }
        return seconds
    }
}
