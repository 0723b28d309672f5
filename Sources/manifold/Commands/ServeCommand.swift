import ArgumentParser
import Foundation
import MCP
import Manifold
import ManifoldHost
import ManifoldManifest
import ManifoldServe

/// `manifold serve --mcp`: a graph kept running, each of its inputs an MCP tool.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a graph as an MCP server: each graph input is a tool, answered with the graph's outputs for that call.",
        discussion: """
            Over standard input and output by default (the way MCP clients start a local server),
            or over Streamable HTTP with --http HOST:PORT (endpoint /mcp). A tool's input schema
            follows its input's declared type: {"text": string} for text, the contract's schema for
            chat/* and tool/* types, any object for JSON, {"base64": string} for bytes. A call's
            result is every graph output that carries the call's correlation id, gathered until
            nothing of the call is left in the graph; a client that asks for progress hears each
            output as it arrives. A call the client cancels stops being waited for (its outputs
            that still arrive are counted, not sent); one that runs past --call-timeout is answered
            with what arrived and an error.

            Over stdio, standard output carries only MCP messages: whatever a plugin prints there
            goes to standard error. The server ends when standard input closes, or on Ctrl-C or
            SIGTERM, after the calls in flight finish (a second signal ends it within 2 s).

            Examples:
              manifold serve --mcp Examples/pipeline.json
              manifold serve --mcp Examples/agent-chat.json --http 127.0.0.1:8765
            """)

    @Argument(help: "The graph manifest.")
    var graph: String

    @Flag(help: "Speak the Model Context Protocol (the one protocol served today).")
    var mcp = false

    @Option(help: ArgumentHelp(
        "Serve Streamable HTTP on this address (HOST:PORT; port 0 picks a free one) instead of stdio.",
        discussion: "The endpoint is http://HOST:PORT/mcp. There is no authentication: keep it on loopback, or behind a proxy that checks callers.",
        valueName: "host:port"))
    var http: String?

    @Option(help: "Answer a call after this many seconds with what arrived so far, as an error (default 300).")
    var callTimeout: Double = 300

    @Option(help: ArgumentHelp(
        "Run this node's plugin in a supervised worker process (repeatable; 'all' for every node).", valueName: "node"))
    var isolate: [String] = []

    @OptionGroup var placement: PlacementOptions

    @OptionGroup var metricsOptions: MetricsOptions

    @OptionGroup var tracingOptions: TracingOptions

    @OptionGroup var plugins: PluginOptions

    @OptionGroup var global: GlobalOptions

    mutating func validate() throws {
        guard mcp else { throw ValidationError("say which protocol to serve: add --mcp (the Model Context Protocol, the one served today)") }
        guard callTimeout > 0, callTimeout.isFinite else { throw ValidationError("--call-timeout takes a number of seconds above 0, got \(callTimeout)") }
        if let http { _ = try HTTPAddress(http) }
        if placement.onlyNodes != nil {
            throw ValidationError("--only leaves nodes to workers on a NATS hub; a served graph runs every node in this process")
        }
    }

    func run() async throws {
        try await RunWatchdog.watching(timeLimit: nil) { watchdog in try await serve(watchedBy: watchdog) }
    }

    private func serve(watchedBy watchdog: RunWatchdog) async throws {
        // Over stdio, standard output is the protocol's: it is moved to a descriptor of its own,
        // and what anything else writes to standard output (a plugin's print) goes to standard
        // error instead — before any plugin is loaded.
        let protocolOutput: Int32? = http == nil ? try Self.takeStandardOutput() : nil
        PluginCrashReport.install()
        let logger = try global.makeLogger()
        let (validation, manifest) = try runnableGraph(graph, plugins: plugins, placement: placement, isolating: isolate, verbose: global.verbose)
        if RunApprovals.used(by: manifest) {
            Terminal.error("error: the graph has approval middleware, whose questions need a person at `manifold run`; "
                + "a served graph has no one to ask: remove the approval middleware from \(graph), or run it with `manifold run`")
            throw ExitCode(1)
        }
        let servedMetrics = try await metricsOptions.start()
        let tracing = try tracingOptions.start(manifest)
        defer { if let servedMetrics { Task { await servedMetrics.close() } } }
        let graphRun: GraphRun
        let served: ServedGraph
        do {
            graphRun = try await GraphRun(validation: validation, logger: logger, traced: tracing != nil)
            servedMetrics?.watch(graphRun)
            tracing?.watch(graphRun.hub)
            served = try ServedGraph(graphRun, callTimeLimit: .milliseconds(Int64((callTimeout * 1000).rounded(.up))))
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        let log: @Sendable (String) -> Void = { Terminal.error($0) }
        let makeServer: @Sendable () async -> Server = { await GraphMCPServer.make(for: served, version: ManifoldVersion.current, log: log) }
        let runTask = Task { try await served.run() }
        watchdog.attach(RunWatchdog.Hooks(
            stop: { served.stop() }, cancel: { runTask.cancel() }, busy: { RunSummary.busyNodes(graphRun) }))
        defer { LoadedLibrary.finishAll() }

        let tools = served.tools.map(\.name).joined(separator: ", ")
        var httpServer: MCPHTTPServer?
        var stdioServer: Server?
        if let http {
            let address = try HTTPAddress(http)
            do {
                let server = try await MCPHTTPServer(host: address.host, port: address.port, makeServer: makeServer)
                httpServer = server
                Task { await server.run() }
                Terminal.error("serving graph '\(served.name)' over MCP at \(server.url) (tools: \(tools))")
            } catch {
                Terminal.error("error: cannot listen on \(http): \(error)")
                served.stop()
                _ = try? await runTask.value
                throw ExitCode(1)
            }
        } else if let protocolOutput {
            let transport = StdioLineTransport(input: 0, output: protocolOutput, logger: logger, refused: log)
            let server = await makeServer()
            stdioServer = server
            try await server.start(transport: transport)
            Terminal.error("serving graph '\(served.name)' over MCP on standard input and output (tools: \(tools))")
            Task {
                // The client closed our standard input: it is done with us, once what it asked
                // before is answered.
                await server.waitUntilCompleted()
                await transport.waitUntilAnswered()
                served.stop()
            }
        }

        let report: GraphRunReport
        do {
            report = try await runTask.value
        } catch {
            await stdioServer?.stop()
            await httpServer?.close()
            if case .signal(let signal)? = watchdog.ending {
                Terminal.error("stopped at once: nodes were shut down")
                throw ExitCode(128 + signal)
            }
            Terminal.error(error)
            throw ExitCode(1)
        }
        await stdioServer?.stop()
        await httpServer?.close()
        await tracing?.finishAndReport()
        if served.unclaimedOutputs > 0 {
            Terminal.error("serve: \(served.unclaimedOutputs) output(s) arrived for calls already answered, timed out or cancelled, and were not sent")
        }
        var summary = report
        summary.wasStopped = false
        RunSummary.report(summary, stats: false)
        if let signal = watchdog.stopSignal { throw ExitCode(128 + signal) }
        if report.failures > 0 || report.hub.deadLettered > 0 { throw ExitCode(1) }
    }

    /// Moves standard output to a new descriptor, for the protocol alone, and points
    /// descriptor 1 at standard error.
    private static func takeStandardOutput() throws -> Int32 {
        let protocolOutput = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard protocolOutput >= 0, dup2(2, 1) >= 0 else {
            throw ValidationError("cannot set standard output aside for MCP: \(String(cString: strerror(errno)))")
        }
        return protocolOutput
    }
}
