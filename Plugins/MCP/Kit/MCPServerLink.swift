import MCP

/// One start of a server: the program the node started with its pipes, or the HTTP
/// conversation with an endpoint.
enum MCPServerLink: Sendable {
    case program(ServerProcess, ServerPipeTransport)
    case endpoint(StreamableHTTPTransport)

    /// Starts the program, or prepares the conversation with the endpoint.
    ///
    /// - Parameters:
    ///   - errorLine: receives each line a program writes on its standard error.
    ///   - ended: called once when the conversation ends other than by `stop` (the program
    ///     exited, the endpoint cannot be reached or ended the session), with how.
    init(
        _ launch: MCPServerLaunch, spec: MCPServerSpec, connectTimeoutSeconds: Double,
        errorLine: @escaping @Sendable (String) -> Void, ended: @escaping @Sendable (String) -> Void
    ) {
        switch launch {
        case .program(let executable, let environment):
            let transport = ServerPipeTransport(server: spec.name)
            let process = ServerProcess(
                executable: executable, spec: spec, environment: environment, transport: transport, errorLine: errorLine, exited: ended)
            self = .program(process, transport)
        case .endpoint(let url, let headers):
            self = .endpoint(
                StreamableHTTPTransport(
                    server: spec.name, endpoint: url, headers: headers, connectTimeoutSeconds: connectTimeoutSeconds, ended: ended))
        }
    }

    /// What the SDK's client talks through.
    var transport: any Transport {
        switch self {
        case .program(_, let transport): return transport
        case .endpoint(let transport): return transport
        }
    }

    /// How the conversation ended, once it has.
    var outcome: String? {
        get async {
            switch self {
            case .program(let process, _): return process.outcome
            case .endpoint(let transport): return await transport.outcome
            }
        }
    }

    /// Ends the conversation; a program is stopped (standard input closed, then signals).
    func stop() async {
        switch self {
        case .program(let process, let transport): await process.stop(transport: transport)
        case .endpoint(let transport): await transport.disconnect()
        }
    }
}
