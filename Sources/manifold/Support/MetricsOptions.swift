import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldMetrics

/// `--metrics HOST:PORT`: the run's metrics served for Prometheus while it runs.
struct MetricsOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Serve the run's metrics in Prometheus' text format at http://HOST:PORT/metrics while it runs (port 0 picks a free one).",
        discussion: "Per node, per topic, per model and for the process; see docs/observability.md.",
        valueName: "host:port"))
    var metrics: String?

    func validate() throws {
        if let metrics { _ = try HTTPAddress(metrics, option: "--metrics") }
    }

    /// Starts serving (an empty set until `ServedMetrics.watch(_:)`); `nil` without `--metrics`.
    /// Called before the graph is built, so an address that cannot be listened on stops the
    /// run before any plugin code runs.
    ///
    /// - Throws: `ExitCode(1)`, with the reason on stderr, when the address cannot be listened on.
    func start() async throws -> ServedMetrics? {
        guard let metrics else { return nil }
        let address = try HTTPAddress(metrics, option: "--metrics")
        let runMetrics = RunMetrics(openPlugins: { LoadedLibrary.openCount })
        do {
            let endpoint = try await MetricsEndpoint(host: address.host, port: address.port, metrics: runMetrics)
            Terminal.error("metrics: \(endpoint.url)")
            return ServedMetrics(metrics: runMetrics, endpoint: endpoint)
        } catch {
            Terminal.error("error: --metrics: cannot listen on \(metrics): \(error)")
            throw ExitCode(1)
        }
    }
}

/// The metrics of a run being served.
struct ServedMetrics {
    let metrics: RunMetrics
    let endpoint: MetricsEndpoint

    /// Counts `graphRun`'s events from now on.
    func watch(_ graphRun: GraphRun) {
        graphRun.hub.addObserver(metrics)
    }

    /// Stops serving.
    func close() async {
        await endpoint.close()
    }
}
