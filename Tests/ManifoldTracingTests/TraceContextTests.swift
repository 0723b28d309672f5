import Foundation
import Manifold
import ManifoldJSON
import Testing

@testable import ManifoldTracing

/// W3C trace contexts as a traced run writes and reads them, and OTLP's JSON encoding of spans.
@Suite("Trace context")
struct TraceContextTests {
    @Test func aTraceParentRoundTripsAndMalformedOnesAreRefused() throws {
        let context = try #require(TraceContext(traceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanID == "00f067aa0ba902b7")
        #expect(context.traceParent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        for malformed in [
            "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            #expect(TraceContext(traceParent: malformed) == nil, "\(malformed)")
        }
        // A later version may add fields; its first four are read.
        #expect(TraceContext(traceParent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later") != nil)
    }

    @Test func aNodesSpanIDIsTheSameWhoeverDerivesItAndDiffersPerNodeAndInput() {
        let input = ArtifactID("a1")
        let id = TraceContext.spanID(node: "shout", input: input)
        #expect(id.count == 16 && id != String(repeating: "0", count: 16))
        #expect(id == TraceContext.spanID(node: "shout", input: ArtifactID("a1")))
        #expect(id != TraceContext.spanID(node: "split", input: input))
        #expect(id != TraceContext.spanID(node: "shout", input: ArtifactID("a2")))
        // Names and ids are kept apart: ("ab", "c") is not ("a", "bc").
        #expect(TraceContext.spanID(node: "ab", input: ArtifactID("c")) != TraceContext.spanID(node: "a", input: ArtifactID("bc")))
        let trace = TraceContext.newTrace(spanID: id)
        #expect(trace.traceID.count == 32 && TraceContext.newTrace(spanID: id).traceID != trace.traceID)
    }

    @Test func spansAreEncodedAsOTLPJSON() throws {
        let span = FinishedSpan(
            traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7", parentSpanID: "a0f067aa0ba902b7", name: "node shout",
            kind: .consumer, start: WallTime(nanoseconds: 1_700_000_000_000_000_000), end: WallTime(nanoseconds: 1_700_000_000_500_000_000),
            attributes: [("manifold.node", .string("shout")), ("manifold.outputs", .integer(2))], error: "boom")
        let request = try JSONValue(parsing: OTLPTraceEncoding.request([span], service: "svc", version: "1.2.3"))
        let resourceSpans = try #require(request["resourceSpans"]?.arrayValue?.first)
        #expect(resourceSpans["resource"]?["attributes"] == [["key": "service.name", "value": ["stringValue": "svc"]]])
        let scopeSpans = try #require(resourceSpans["scopeSpans"]?.arrayValue?.first)
        #expect(scopeSpans["scope"] == ["name": "manifold", "version": "1.2.3"])
        let encoded = try #require(scopeSpans["spans"]?.arrayValue?.first)
        #expect(encoded["traceId"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(encoded["parentSpanId"] == "a0f067aa0ba902b7")
        #expect(encoded["kind"] == 5)
        #expect(encoded["startTimeUnixNano"] == "1700000000000000000")
        #expect(encoded["endTimeUnixNano"] == "1700000000500000000")
        #expect(encoded["attributes"]?.arrayValue?.last == ["key": "manifold.outputs", "value": ["intValue": "2"]])
        #expect(encoded["status"] == ["code": 2, "message": "boom"])
    }

    @Test func theEndpointComesFromTheOptionOrTheOpenTelemetryEnvironment() throws {
        #expect(try RunTracing.endpoint(option: "http://127.0.0.1:4318", environment: [:]) == "http://127.0.0.1:4318/v1/traces")
        #expect(try RunTracing.endpoint(option: "http://collector:4318/", environment: [:]) == "http://collector:4318/v1/traces")
        #expect(try RunTracing.endpoint(option: "https://otel.example/custom/traces", environment: [:]) == "https://otel.example/custom/traces")
        #expect(try RunTracing.endpoint(option: nil, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://h:4318/base"]) == "http://h:4318/base/v1/traces")
        #expect(try RunTracing.endpoint(
            option: nil, environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://h:1/t", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:2"]) == "http://h:1/t")
        #expect(try RunTracing.endpoint(option: nil, environment: [:]) == nil)
        let error = #expect(throws: TracingEndpointError.self) { try RunTracing.endpoint(option: "127.0.0.1:4318", environment: [:]) }
        #expect(error?.description.contains("--otlp: '127.0.0.1:4318' is not an http:// or https:// URL") == true)
    }
}
