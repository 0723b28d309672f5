import Foundation
import ManifoldJSON

/// Spans as an OTLP `ExportTraceServiceRequest` in OTLP's JSON encoding (the protobuf JSON
/// mapping with ids as hex, as the OTLP/HTTP specification defines it), which every OTLP/HTTP
/// receiver takes at `/v1/traces` with `Content-Type: application/json`.
enum OTLPTraceEncoding {
    static func request(_ spans: [FinishedSpan], service: String, version: String) -> Data {
        let resource: JSONValue = ["attributes": .array([attribute("service.name", .string(service))])]
        let scope: JSONValue = ["name": "manifold", "version": .string(version)]
        let body: JSONValue = [
            "resourceSpans": [[
                "resource": resource,
                "scopeSpans": [["scope": scope, "spans": .array(spans.map(span))]],
            ]]
        ]
        return Data(body.serialized())
    }

    private static func span(_ span: FinishedSpan) -> JSONValue {
        var object: JSONObject = [
            "traceId": .string(span.traceID),
            "spanId": .string(span.spanID),
            "name": .string(span.name),
            "kind": .integer(Int64(span.kind.rawValue)),
            // 64-bit integers are strings in the protobuf JSON mapping.
            "startTimeUnixNano": .string(String(span.start.nanoseconds)),
            "endTimeUnixNano": .string(String(span.end.nanoseconds)),
            "attributes": .array(span.attributes.map { attribute($0.0, $0.1) }),
        ]
        if let parent = span.parentSpanID { object["parentSpanId"] = .string(parent) }
        if let error = span.error {
            object["status"] = ["code": 2, "message": .string(error)]
        } else {
            object["status"] = ["code": 1]
        }
        return .object(object)
    }

    private static func attribute(_ key: String, _ value: FinishedSpan.Value) -> JSONValue {
        let encoded: JSONValue =
            switch value {
            case .string(let text): ["stringValue": .string(text)]
            case .integer(let number): ["intValue": .string(String(number))]
            case .double(let number): ["doubleValue": .number(number)]
            case .bool(let flag): ["boolValue": .bool(flag)]
            }
        return ["key": .string(key), "value": encoded]
    }
}
