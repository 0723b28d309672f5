import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldManifest
import ManifoldTracing

/// `--otlp URL`: the run traced, its spans sent to an OpenTelemetry receiver.
struct TracingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Trace the run and send its spans to this OTLP/HTTP receiver (http://HOST:4318; default: $OTEL_EXPORTER_OTLP_ENDPOINT).",
        discussion: "A span per graph input, node input and model call, with W3C traceparent metadata carried across every hop; see docs/observability.md.",
        valueName: "url"))
    var otlp: String?

    func validate() throws {
        do {
            _ = try RunTracing.endpoint(option: otlp, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The run's tracing, when `--otlp` or the environment names a receiver.
    func start(_ manifest: GraphManifest) throws -> RunTracing? {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = try RunTracing.endpoint(option: otlp, environment: environment) else { return nil }
        let service = environment["OTEL_SERVICE_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "manifold"
        return RunTracing(endpoint: endpoint, manifest: manifest, service: service, version: ManifoldVersion.current) { Terminal.error($0) }
    }
}

extension RunTracing {
    /// Sends what is left and says on stderr how many spans went where, and how many were lost.
    func finishAndReport() async {
        let summary = await finish()
        var line = "traces: \(summary.exported) span(s) sent to \(endpoint)"
        if summary.dropped > 0 { line += "; \(summary.dropped) lost (\(summary.firstFailure ?? "the queue was full"))" }
        Terminal.error(line)
    }
}
