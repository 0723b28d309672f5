import Foundation
import Manifold
import ManifoldManifest

/// Traces of a run, exported over OTLP/HTTP: attach it to a traced run's hub
/// (`GraphRun(traced: true)`), and `finish()` once the run is over.
public final class RunTracing: Sendable {
    /// What was sent and lost.
    public struct Summary: Sendable, Equatable {
        /// Spans the receiver took.
        public var exported: Int
        /// Spans lost: refused, unreachable receiver, or a full queue.
        public var dropped: Int
        /// Why the first lost batch was lost.
        public var firstFailure: String?
    }

    /// Where the spans go: the `…/v1/traces` URL.
    public let endpoint: String
    private let exporter: OTLPExporter
    private let tracer: RunTracer

    /// Traces of `manifest`'s runs sent to `endpoint`; `warn` hears the first failure to send.
    ///
    /// - Parameter service: the `service.name` of the spans' resource.
    public init(endpoint: String, manifest: GraphManifest, service: String, version: String, warn: @escaping @Sendable (String) -> Void) {
        self.endpoint = endpoint
        let exporter = OTLPExporter(endpoint: endpoint, service: service, version: version, warn: warn)
        self.exporter = exporter
        tracer = RunTracer(
            graph: manifest.name,
            inputsByTopic: Dictionary(manifest.inputs.map { ($0.topic, $0.name) }, uniquingKeysWith: { first, _ in first }),
            pluginsByNode: Dictionary(manifest.nodes.map { ($0.id, $0.plugin) }, uniquingKeysWith: { first, _ in first }),
            export: { exporter.export($0) })
    }

    /// Traces what happens on `hub` from now on.
    public func watch(_ hub: Hub) {
        hub.addObserver(tracer)
    }

    /// Sends the spans still queued and stops.
    public func finish() async -> Summary {
        let tally = await exporter.finish()
        return Summary(exported: tally.exported, dropped: tally.dropped, firstFailure: tally.firstFailure)
    }

    /// The traces URL from an option (`--otlp`) or, without it, the OpenTelemetry environment:
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, or `OTEL_EXPORTER_OTLP_ENDPOINT` with
    /// `/v1/traces` appended. An option with no path gets `/v1/traces` too. `nil`: no tracing.
    ///
    /// - Throws: `TracingEndpointError` for a URL that is not `http://` or `https://` with a host.
    public static func endpoint(option: String?, environment: [String: String]) throws -> String? {
        if let option { return try url(option, appendingPathUnlessGiven: true, from: "--otlp") }
        if let traces = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], !traces.isEmpty {
            return try url(traces, appendingPathUnlessGiven: false, from: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        }
        if let base = environment["OTEL_EXPORTER_OTLP_ENDPOINT"], !base.isEmpty {
            return try url(base, appendingPath: true, from: "OTEL_EXPORTER_OTLP_ENDPOINT")
        }
        return nil
    }

    private static func url(_ text: String, appendingPathUnlessGiven: Bool = false, appendingPath: Bool = false, from source: String) throws -> String {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parts.host, !host.isEmpty
        else {
            throw TracingEndpointError(description: "\(source): '\(text)' is not an http:// or https:// URL with a host; give the OTLP/HTTP receiver's address, such as http://127.0.0.1:4318")
        }
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        if appendingPath || (appendingPathUnlessGiven && (parts.path.isEmpty || parts.path == "/")) { return trimmed + "/v1/traces" }
        return text
    }
}

/// A traces endpoint that is no URL.
public struct TracingEndpointError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
