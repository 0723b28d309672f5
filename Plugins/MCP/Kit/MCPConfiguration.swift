import ManifoldJSON

/// The config of an `mcp` node, decoded from its `config` JSON.
///
/// ```json
/// {"servers": [{"name": "time", "command": "mcp-server-time", "args": ["--local-timezone", "UTC"]},
///              {"name": "docs", "url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"}}],
///  "callTimeoutSeconds": 60}
/// ```
///
/// A server is a program the node starts and talks to over its standard input and output
/// (the MCP stdio transport, `command`), or an endpoint it reaches over HTTP (the MCP
/// Streamable HTTP transport, `url`). Its tools are code the model may run at any time with
/// any arguments it likes.
public struct MCPConfiguration: Decodable, Sendable {
    /// The servers whose tools the node offers, in order.
    public var servers: [MCPServerSpec]
    /// How long one tool call may take before it is cancelled and answered with an error
    /// result. 60 when absent.
    public var callTimeoutSeconds: Double?
    /// How long a server may take from its start to the end of the MCP handshake. 30 when absent.
    public var startTimeoutSeconds: Double?
    /// How a server that exited is started again.
    public var restart: MCPRestartPolicy?

    /// The values the time limits may take, in seconds.
    public static let secondsRange = 0.001...86_400.0

    /// A config.
    public init(
        servers: [MCPServerSpec], callTimeoutSeconds: Double? = nil, startTimeoutSeconds: Double? = nil, restart: MCPRestartPolicy? = nil
    ) {
        self.servers = servers
        self.callTimeoutSeconds = callTimeoutSeconds
        self.startTimeoutSeconds = startTimeoutSeconds
        self.restart = restart
    }
}

/// One MCP server of an `mcp` node: a program (`command`) or an endpoint (`url`).
public struct MCPServerSpec: Decodable, Sendable, Hashable {
    /// The server's name in messages, and the prefix of its tools' names on a clash.
    public var name: String
    /// The program: a path, or a name looked up on the `PATH` the server gets.
    public var command: String?
    /// The Streamable HTTP endpoint, `http://` or `https://`, instead of a program.
    public var url: String?
    /// Headers sent with every HTTP request to `url` (e.g. `Authorization`).
    public var headers: [String: String]?
    /// The program's arguments.
    public var args: [String]?
    /// Variables set in the server's environment, on top of the inherited ones.
    public var env: [String: String]?
    /// Names of the host's environment variables the server also inherits (beyond
    /// `MCPEnvironment.inheritedByDefault`).
    public var inheritEnvironment: [String]?
    /// The server's working directory; the host's when absent.
    public var workingDirectory: String?
    /// Put before each of this server's tool names (e.g. `"time_"`), so they never clash.
    public var prefix: String?

    /// A server spec.
    public init(
        name: String, command: String? = nil, url: String? = nil, headers: [String: String]? = nil, args: [String]? = nil,
        env: [String: String]? = nil, inheritEnvironment: [String]? = nil, workingDirectory: String? = nil, prefix: String? = nil
    ) {
        self.name = name
        self.command = command
        self.url = url
        self.headers = headers
        self.args = args
        self.env = env
        self.inheritEnvironment = inheritEnvironment
        self.workingDirectory = workingDirectory
        self.prefix = prefix
    }
}

/// How a server that exited is started again: after `initialDelaySeconds`, doubling up to
/// `maxDelaySeconds`, at most `maxAttempts` times in a row without a successful handshake.
public struct MCPRestartPolicy: Decodable, Sendable, Hashable {
    /// Starts in a row that may fail before the server is given up. 5 when absent; 0 never restarts.
    public var maxAttempts: Int?
    /// The first wait before a restart. 0.5 s when absent.
    public var initialDelaySeconds: Double?
    /// The longest wait between two attempts. 30 s when absent.
    public var maxDelaySeconds: Double?

    /// A policy.
    public init(maxAttempts: Int? = nil, initialDelaySeconds: Double? = nil, maxDelaySeconds: Double? = nil) {
        self.maxAttempts = maxAttempts
        self.initialDelaySeconds = initialDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
    }

    /// The attempts when absent.
    public static let defaultMaxAttempts = 5

    /// The wait before attempt `attempt` (1 for the first restart).
    public func delay(beforeAttempt attempt: Int) -> Double {
        let initial = initialDelaySeconds ?? 0.5
        let maximum = maxDelaySeconds ?? 30
        let doubled = initial * Double(1 << min(max(attempt - 1, 0), 30))
        return min(doubled, maximum)
    }
}
