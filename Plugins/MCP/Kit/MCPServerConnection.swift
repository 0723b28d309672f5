import Foundation
import MCP
import ManifoldPluginKit

/// One MCP server of an `mcp` node: started, shaken hands with, asked for its tools, restarted
/// with backoff when it exits, and stopped in order.
///
/// Calls made while the server is starting or waiting to restart wait for it, within their
/// own time limit. A call in flight when the server exits is answered with that reason: it is
/// not repeated, since a tool call may have done its work before the server died.
actor MCPServerConnection {
    /// Where a server is in its life.
    enum Phase {
        case starting
        case ready(Client, tools: [Tool])
        case waitingToRestart(reason: String)
        case failed(reason: String)
        case stopped
    }

    /// What a call came to.
    enum CallOutcome: Sendable {
        case answered(CallTool.Result)
        /// Not answered, with a message for the model; `timedOut` when the time limit ended it.
        case failed(String, timedOut: Bool = false)
    }

    let spec: MCPServerSpec
    private let launch: MCPServerLaunch
    private let settings: MCPSettings
    private let log: @Sendable (PluginHost.LogLevel, String) -> Void
    private let toolsChanged: @Sendable () -> Void

    private(set) var phase: Phase = .starting
    private var link: MCPServerLink?
    /// The client of the current start, from before its handshake.
    private var client: Client?
    private var generation = 0
    private var failuresInARow = 0
    /// Whether the first start has come to an end: ready once, given up, or stopped.
    private(set) var settled = false
    private(set) var restarts = 0
    private let errorTail = ServerErrorTail()
    /// The tools the server offered when it was last ready: still offered while it restarts,
    /// so a call to one waits for the server instead of being called unknown.
    private var knownTools: [Tool] = []
    /// How the last start that ended came to its end, for the calls it was answering.
    private var lastEnd: (generation: Int, reason: String)?
    /// The listing of tools under way after the server said they changed.
    private var pendingRefresh: Task<Void, Never>?
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0

    init(
        spec: MCPServerSpec, launch: MCPServerLaunch, settings: MCPSettings,
        log: @escaping @Sendable (PluginHost.LogLevel, String) -> Void, toolsChanged: @escaping @Sendable () -> Void
    ) {
        self.spec = spec
        self.launch = launch
        self.settings = settings
        self.log = log
        self.toolsChanged = toolsChanged
    }

    // MARK: Life

    /// Starts the server and shakes hands with it; a failure schedules a restart.
    func start() async {
        generation += 1
        let generation = generation
        phase = .starting
        let link = MCPServerLink(
            launch, spec: spec, connectTimeoutSeconds: settings.startTimeoutSeconds,
            // Kept at once, not through a task per line: the server's order, and every line
            // read before it exited is in the message that says it exited.
            errorLine: { [errorTail, log, name = spec.name] line in
                errorTail.append(line)
                log(.debug, "mcp[\(name)]: \(line)")
            },
            ended: { [weak self] outcome in Task { await self?.serverExited(outcome, generation: generation) } })
        self.link = link
        let transport = link.transport
        let client = Client(name: "manifold", version: MCPPlugin.info.version)
        self.client = client
        // The SDK runs this handler inside its read loop: listing the tools here would wait
        // for an answer that loop has to read. It starts the listing and returns.
        await client.onNotification(ToolListChangedNotification.self) { [weak self] _ in
            await self?.startRefresh(generation: generation)
        }
        let handshake = await withDeadline(
            at: .now + .seconds(settings.startTimeoutSeconds), unblock: { await client.disconnect() }
        ) {
            _ = try await client.connect(transport: transport)
            return try await Self.listTools(of: client)
        }
        guard generation == self.generation, case .starting = phase else {
            await client.disconnect()
            return
        }
        switch handshake {
        case .success(let tools):
            phase = .ready(client, tools: tools)
            knownTools = tools
            failuresInARow = 0
            settled = true
            wakeAll()
            log(.info, "mcp: server '\(spec.name)' is ready with \(tools.count) tools")
            // After a restart, or a first start that took longer than a catalog waited.
            toolsChanged()
        case .failure(let problem):
            await client.disconnect()
            let ended = await link.outcome
            await link.stop()
            let reason: String
            if case .timedOut = problem {
                reason = "it did not finish the MCP handshake within \(Self.format(settings.startTimeoutSeconds)) s (startTimeoutSeconds)"
            } else if let ended, ended != ServerGone.clientDisconnected {
                reason = ended
            } else {
                reason = "the MCP handshake failed: \(Self.describe(Self.underlying(problem)))"
            }
            failed(because: reason, generation: generation)
        }
    }

    /// Stops the server: its calls end, its standard input closes, it is asked to exit.
    func stop() async {
        generation += 1
        let previous = phase
        // The phase changes first: calls the disconnect fails must see why.
        phase = .stopped
        settled = true
        wakeAll()
        if case .ready(let client, _) = previous { await client.disconnect() }
        await link?.stop()
    }

    private func serverExited(_ outcome: String, generation: Int) async {
        guard generation == self.generation, let client else { return }
        switch phase {
        case .ready:
            // The phase changes first: the calls the disconnect fails must see the server gone.
            failed(because: outcome, generation: generation)
            await client.disconnect()
        case .starting:
            // The SDK's client keeps waiting for an answer to a request whose transport
            // ended; disconnecting fails it, and `start` reports how the server ended.
            await client.disconnect()
        case .waitingToRestart, .failed, .stopped:
            break
        }
    }

    private func failed(because outcome: String, generation: Int) {
        guard generation == self.generation else { return }
        failuresInARow += 1
        let reason = "MCP server '\(spec.name)' (\(spec.command ?? spec.url ?? "")): \(outcome)" + errorTail.summary
        lastEnd = (generation, reason)
        let attempts = settings.restart.maxAttempts ?? MCPRestartPolicy.defaultMaxAttempts
        guard failuresInARow <= attempts else {
            phase = .failed(reason: reason)
            settled = true
            wakeAll()
            log(.error, "mcp: \(reason); given up after \(failuresInARow) failed starts in a row (restart.maxAttempts \(attempts))")
            return
        }
        let delay = settings.restart.delay(beforeAttempt: failuresInARow)
        phase = .waitingToRestart(reason: reason)
        wakeAll()
        log(.warning, "mcp: \(reason); restarting in \(Self.format(delay)) s (attempt \(failuresInARow) of \(attempts))")
        Task { [weak self] in
            try? await Task.sleep(for: .seconds(delay))
            await self?.restart(generation: generation)
        }
    }

    private func restart(generation: Int) async {
        guard generation == self.generation, case .waitingToRestart = phase else { return }
        restarts += 1
        await start()
    }

    // MARK: Tools

    /// The server's tools, once its first start has ended: those it offers when ready, those
    /// it last offered while it restarts, none once it was given up or stopped.
    func tools(waitingUntil deadline: ContinuousClock.Instant) async -> [Tool] {
        while !settled, ContinuousClock.now < deadline, !Task.isCancelled {
            await waitForChange(until: deadline)
        }
        switch phase {
        case .ready(_, let tools): return tools
        case .starting, .waitingToRestart: return knownTools
        case .failed, .stopped: return []
        }
    }

    /// Why the server offers no tools now, if it does not.
    var unavailability: String? {
        switch phase {
        case .ready: return nil
        case .starting: return "MCP server '\(spec.name)' is starting"
        case .waitingToRestart(let reason), .failed(let reason): return reason
        case .stopped: return "MCP server '\(spec.name)' was stopped"
        }
    }

    /// Lists the tools again, in a task of its own; `waitForPendingRefresh` waits for it.
    private func startRefresh(generation: Int) {
        let previous = pendingRefresh
        pendingRefresh = Task {
            await previous?.value
            await refreshTools(generation: generation)
        }
    }

    /// Returns once the listing of tools started by a change notification has ended, so an
    /// output that follows the notification can carry the new catalog.
    func waitForPendingRefresh() async {
        await pendingRefresh?.value
    }

    private func refreshTools(generation: Int) async {
        guard generation == self.generation, case .ready(let client, _) = phase else { return }
        let listing = await withDeadline(
            at: .now + .seconds(settings.startTimeoutSeconds), unblock: { await client.disconnect() }
        ) { try await Self.listTools(of: client) }
        switch listing {
        case .success(let tools):
            guard generation == self.generation, case .ready = phase else { return }
            phase = .ready(client, tools: tools)
            knownTools = tools
            log(.info, "mcp: server '\(spec.name)' changed its tools; it now offers \(tools.count)")
            toolsChanged()
        case .failure(let problem):
            log(.warning, "mcp: server '\(spec.name)' said its tools changed, but listing them failed: \(problem)")
        }
    }

    private static func listTools(of client: Client) async throws -> [Tool] {
        var tools: [Tool] = []
        var cursor: String?
        for _ in 0..<1000 {
            let page = try await client.listTools(cursor: cursor)
            tools += page.tools
            cursor = page.nextCursor
            if cursor == nil { break }
        }
        return tools
    }

    // MARK: Calls

    /// Calls `tool` with `arguments`, waiting for the server to be ready, all before
    /// `deadline`; a call that runs out of time or whose caller is cancelled is cancelled on
    /// the server too (`notifications/cancelled`). `timeoutSeconds` is the limit the deadline
    /// stands for, for messages.
    ///
    /// - Throws: `CancellationError` when the caller was cancelled.
    func call(
        _ tool: String, arguments: [String: Value]?, until deadline: ContinuousClock.Instant, timeoutSeconds: Double
    ) async throws -> CallOutcome {
        var client: Client?
        while client == nil {
            try Task.checkCancellation()
            switch phase {
            case .ready(let ready, _):
                client = ready
            case .failed(let reason):
                return .failed(reason)
            case .stopped:
                return .failed("MCP server '\(spec.name)' was stopped")
            case .starting, .waitingToRestart:
                guard ContinuousClock.now < deadline else {
                    return .failed(
                        "MCP server '\(spec.name)' was not ready within the call's \(Self.format(timeoutSeconds)) s"
                            + (unavailability.map { " (\($0))" } ?? ""), timedOut: true)
                }
                await waitForChange(until: deadline)
            }
        }
        guard let client else { return .failed("MCP server '\(spec.name)' is not running") }
        let generation = generation
        let request: RequestContext<CallTool.Result>
        do {
            request = try await client.callTool(name: tool, arguments: arguments)
        } catch {
            // The request could not even be sent: the server went away since it was ready.
            if Task.isCancelled { throw CancellationError() }
            return .failed("MCP server '\(spec.name)' (\(spec.command ?? spec.url ?? "")) could not be sent the call to '\(tool)': \(error); the call was not made")
        }
        let outcome = await withTaskCancellationHandler {
            await withDeadline(
                at: deadline,
                unblock: { try? await client.cancelRequest(request.requestID, reason: "no answer within \(Self.format(timeoutSeconds)) s") }
            ) { try await request.value }
        } onCancel: {
            Task { try? await client.cancelRequest(request.requestID, reason: "the caller stopped waiting") }
        }
        switch outcome {
        case .success(let result):
            return .answered(result)
        case .failure(.timedOut):
            return .failed(
                "the MCP tool '\(tool)' of server '\(spec.name)' did not answer within \(Self.format(timeoutSeconds)) s (callTimeoutSeconds); it was cancelled",
                timedOut: true)
        case .failure(.failed(let error)):
            if Task.isCancelled { throw CancellationError() }
            if generation != self.generation || !isReady {
                // Said as it was when that start ended: a restart may be under way already.
                let reason = lastEnd.flatMap { $0.generation == generation ? $0.reason : nil } ?? unavailability ?? "it exited"
                return .failed("MCP server '\(spec.name)' went away during the call (\(reason)); the call was not repeated")
            }
            return .failed("MCP server '\(spec.name)' refused the call to '\(tool)': \(Self.describe(error))")
        }
    }

    private var isReady: Bool {
        if case .ready = phase { return true }
        return false
    }

    // MARK: Waiting

    private func waitForChange(until deadline: ContinuousClock.Instant) async {
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = continuation
                Task { [weak self] in
                    try? await Task.sleep(until: deadline)
                    await self?.wake(id)
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.wake(id) }
        }
    }

    private func wake(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume()
    }

    private func wakeAll() {
        let all = waiters
        waiters = [:]
        for waiter in all.values { waiter.resume() }
    }

    // MARK: Helpers

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%g", seconds)
    }

    static func underlying(_ problem: DeadlineProblem) -> any Error {
        if case .failed(let error) = problem { return error }
        return problem
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? MCPError {
            return "\(error.localizedDescription) (JSON-RPC error \(error.code))"
        }
        return "\(error)"
    }
}
