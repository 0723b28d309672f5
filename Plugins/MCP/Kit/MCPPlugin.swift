import Foundation
import MCP
import ManifoldMCPValues
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldPluginKit
import Synchronization

/// `mcp`: offers the tools of MCP servers to a graph, as the `tools` node offers C functions.
///
/// Each server in the config is a program the node starts when it is created and talks to
/// over its standard input and output (the MCP stdio transport), or an endpoint it reaches
/// over HTTP (the MCP Streamable HTTP transport). A `tool/list` gets one
/// `tool/catalog` with every server's tools (names, descriptions, input schemas); a
/// `tool/call` becomes an MCP `tools/call` and its result a `tool/result` (the text blocks as
/// `content`, structured content as `result`, the server's `isError`). When a server says its
/// tools changed (`notifications/tools/list_changed`), the node sends a fresh `tool/catalog`
/// before its next output, so an agent sees the new tools on its next turn.
///
/// A call that takes longer than `callTimeoutSeconds`, or whose input is cancelled, is
/// cancelled on the server (`notifications/cancelled`) and answered with an error result. A
/// server that exits (or an endpoint that cannot be reached, or ends the session) is started
/// again with backoff; calls wait for it within their own time
/// limit, and a call in flight when it exited is answered with an error, not repeated.
public struct MCPPlugin: GeneratorPlugin {
    /// The config type.
    public typealias Configuration = MCPConfiguration

    /// The descriptor: name `mcp`, its ports and config schema.
    public static let info = PluginInfo(
        name: "mcp", version: "1.0.0",
        summary: "Offers the tools of MCP servers (stdio or Streamable HTTP) to the graph; answers tool/call and tool/list.",
        ports: PortTypes(inputs: [.toolCall, ArtifactType.toolList], outputs: [.toolResult, ArtifactType.toolCatalog]),
        configSchema: MCPConfigSchema.schema,
        allowsConcurrentProcessing: true)

    private let servers: [MCPServerConnection]
    private let settings: MCPSettings
    private let counts = MCPStatistics()
    private let catalogs = CatalogFreshness()
    private let log: @Sendable (PluginHost.LogLevel, String) -> Void

    /// Makes the plugin for a node and starts its servers.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes the plugin in-process and starts its servers.
    ///
    /// - Parameters:
    ///   - hostEnvironment: the environment servers inherit from (only the variables
    ///     `MCPEnvironment` lets through); this process's by default.
    ///   - log: receives the servers' starts, restarts and standard error (at debug), and the
    ///     shutdown report.
    /// - Throws: `ConfigurationError` naming the setting or `config.servers[i]` and the fix.
    public init(
        configuration: Configuration, hostEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        log: @escaping @Sendable (PluginHost.LogLevel, String) -> Void = { _, _ in }
    ) throws {
        guard !configuration.servers.isEmpty else {
            throw ConfigurationError(message: "config.servers is empty: list at least one MCP server")
        }
        let settings = try MCPSettings(configuration)
        if BrokenPipeGuard.ensure() { log(.debug, "mcp: SIGPIPE was at its default action; it is now ignored, so a server that exits cannot end the host") }
        var names: Set<String> = []
        var launches: [(spec: MCPServerSpec, launch: MCPServerLaunch)] = []
        for (index, spec) in configuration.servers.enumerated() {
            guard names.insert(spec.name).inserted else {
                throw ConfigurationError(message: "config.servers[\(index)].name: '\(spec.name)' is used twice; server names must be unique")
            }
            launches.append((spec, try MCPServerLaunch.resolve(spec, index: index, hostEnvironment: hostEnvironment)))
        }
        let catalogs = self.catalogs
        servers = launches.map { launch in
            MCPServerConnection(
                spec: launch.spec, launch: launch.launch, settings: settings, log: log,
                toolsChanged: { catalogs.toolsChanged() })
        }
        self.settings = settings
        self.log = log
        let servers = servers
        Task {
            await withTaskGroup(of: Void.self) { group in
                for server in servers { group.addTask { await server.start() } }
            }
        }
    }

    /// Answers a `tool/call` with a `tool/result`, or a `tool/list` with a `tool/catalog`.
    ///
    /// - Throws: `MCPNodeError` only for inputs no result can answer (no id or name, another type).
    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        if ArtifactType.toolCall.accepts(input.type) {
            let call: ToolCallPayload
            do {
                call = try ToolCallPayload.read(from: input)
            } catch {
                counts.update { $0.rejectedInputs += 1 }
                throw MCPNodeError.malformedCall(artifact: input.id, reason: error.reason)
            }
            let result = try await answer(call)
            try await emitFreshCatalogIfChanged(context: context)
            try await context.emit(.toolResult(result, correlationID: input.correlationID))
        } else if ArtifactType.toolList.accepts(input.type) {
            counts.update { $0.catalogs += 1 }
            let deadline = ContinuousClock.now + .seconds(settings.startTimeoutSeconds)
            let directory = await directory(waitingUntil: deadline)
            try Task.checkCancellation()
            catalogs.sent()
            try await context.emit(.toolCatalog(directory.catalog, correlationID: input.correlationID))
        } else {
            counts.update { $0.rejectedInputs += 1 }
            throw MCPNodeError.unsupportedInput(artifact: input.id, type: input.type)
        }
    }

    /// Stops every server and logs what the node did.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for server in servers { group.addTask { await server.stop() } }
        }
        var restarts = 0
        for server in servers { restarts += await server.restarts }
        let counts = counts.snapshot
        log(
            .info,
            "mcp: \(counts.calls) calls, \(counts.failedCalls) answered with an error (\(counts.timedOutCalls) timed out, "
                + "\(counts.unknownTools) to unknown tools), \(counts.catalogs) catalogs sent, \(counts.rejectedInputs) inputs rejected; "
                + "\(servers.count) servers, \(restarts) restarts")
    }

    // MARK: Calls

    private func answer(_ call: ToolCallPayload) async throws -> ToolResultPayload {
        counts.update { $0.calls += 1 }
        let deadline = ContinuousClock.now + .seconds(settings.callTimeoutSeconds)
        let directory = await directory(waitingUntil: deadline)
        try Task.checkCancellation()
        guard let entry = directory.entry(named: call.name) else {
            counts.update {
                $0.failedCalls += 1
                $0.unknownTools += 1
            }
            return failure(await unknownToolMessage(call.name, directory: directory), for: call)
        }
        guard let arguments = call.parsedArguments, case .object = arguments else {
            counts.update { $0.failedCalls += 1 }
            let given = call.parsedArguments.map { "a JSON \($0.typeName)" } ?? "text that is not JSON"
            return failure(
                "tool '\(call.name)': the arguments are \(given); send a JSON object with one member per parameter", for: call)
        }
        let outcome = try await servers[entry.server].call(
            entry.tool.name, arguments: MCPValues.mcp(arguments).objectValue, until: deadline, timeoutSeconds: settings.callTimeoutSeconds)
        switch outcome {
        case .answered(let result):
            let payload = MCPToolResults.payload(result, callID: call.id, name: call.name)
            if payload.isError { counts.update { $0.failedCalls += 1 } }
            return payload
        case .failed(let message, let timedOut):
            counts.update {
                $0.failedCalls += 1
                if timedOut { $0.timedOutCalls += 1 }
            }
            return failure(message, for: call)
        }
    }

    private func failure(_ message: String, for call: ToolCallPayload) -> ToolResultPayload {
        ToolResultPayload(id: call.id, name: call.name, content: message, isError: true)
    }

    private func unknownToolMessage(_ name: String, directory: MCPToolDirectory) async -> String {
        var message = "unknown tool '\(name)'; "
        message += directory.entries.isEmpty
            ? "no MCP server offers any tool now" : "the known tools are " + directory.entries.map(\.name).joined(separator: ", ")
        for server in servers {
            if let reason = await server.unavailability { message += "; " + reason }
        }
        return message
    }

    // MARK: Catalogs

    /// The tools of every server, waiting for first starts until `deadline`.
    private func directory(waitingUntil deadline: ContinuousClock.Instant) async -> MCPToolDirectory {
        var offers: [(spec: MCPServerSpec, tools: [Tool])] = []
        for server in servers {
            offers.append((server.spec, await server.tools(waitingUntil: deadline)))
        }
        let directory = MCPToolDirectory(servers: offers)
        for message in directory.leftOut where catalogs.firstTimeSaying(message) { log(.warning, "mcp: " + message) }
        return directory
    }

    /// Sends the current catalog when a server's tools changed since one was sent.
    private func emitFreshCatalogIfChanged(context: ProcessingContext) async throws {
        for server in servers { await server.waitForPendingRefresh() }
        guard catalogs.takeChange() else { return }
        counts.update { $0.catalogs += 1 }
        try await context.emit(.toolCatalog(await directory(waitingUntil: .now).catalog, correlationID: nil))
    }
}

/// Whether the tools changed since a catalog was sent, and the warnings already given.
private final class CatalogFreshness: Sendable {
    private struct State {
        var sentOne = false
        var changed = false
        var warned: Set<String> = []
    }

    private let state = Mutex(State())

    /// A catalog goes out now, with the tools as they are.
    func sent() {
        state.withLock {
            $0.sentOne = true
            $0.changed = false
        }
    }

    /// A server's tools changed.
    func toolsChanged() {
        state.withLock { $0.changed = true }
    }

    /// True once per change after a catalog was sent: the caller sends a fresh one.
    func takeChange() -> Bool {
        state.withLock { state in
            guard state.sentOne, state.changed else { return false }
            state.changed = false
            return true
        }
    }

    /// True the first time `message` is given, so a warning is not repeated per call.
    func firstTimeSaying(_ message: String) -> Bool {
        state.withLock { $0.warned.insert(message).inserted }
    }
}
