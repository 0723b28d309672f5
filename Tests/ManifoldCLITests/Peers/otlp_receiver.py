"""A small OTLP/HTTP trace receiver on loopback, for the tests.

    otlp_receiver.py SPANS_FILE

Listens on 127.0.0.1 (a free port, printed as `listening http://127.0.0.1:PORT` on standard
output), takes POST /v1/traces in OTLP's JSON encoding, decodes each request with the official
protobuf definitions (opentelemetry-proto: a request they refuse is answered 400), and appends
one JSON line per span to SPANS_FILE: ids in hex, parent, name, kind, times and attributes.

OTLP's JSON differs from protobuf's standard JSON mapping in one way: trace and span ids are
hex, not base64. They are turned into base64 (refusing anything that is not hex of the right
length) before the protobuf parser reads the request, as OTLP receivers do.
"""

import base64
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

spans_file = sys.argv[1]


def hex_ids_to_base64(request):
    for resource_spans in request.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for key, size in (("traceId", 16), ("spanId", 8), ("parentSpanId", 8)):
                    if key in span:
                        raw = bytes.fromhex(span[key])
                        if len(raw) != size:
                            raise ValueError(f"{key} {span[key]!r} is not {size} bytes of hex")
                        span[key] = base64.b64encode(raw).decode()
    return request


def attribute_value(value):
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/json":
            self.send_response(404)
            self.end_headers()
            return
        request = ExportTraceServiceRequest()
        try:
            json_format.ParseDict(hex_ids_to_base64(json.loads(body)), request)
        except (json_format.ParseError, ValueError) as error:
            self.send_response(400)
            self.end_headers()
            self.wfile.write(str(error).encode())
            return
        with open(spans_file, "a") as out:
            for resource_spans in request.resource_spans:
                service = {a.key: attribute_value(a.value) for a in resource_spans.resource.attributes}.get("service.name")
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        out.write(json.dumps({
                            "service": service,
                            "traceId": span.trace_id.hex(),
                            "spanId": span.span_id.hex(),
                            "parentSpanId": span.parent_span_id.hex(),
                            "name": span.name,
                            "kind": span.kind,
                            "start": span.start_time_unix_nano,
                            "end": span.end_time_unix_nano,
                            "status": span.status.code,
                            "statusMessage": span.status.message,
                            "attributes": {a.key: attribute_value(a.value) for a in span.attributes},
                        }) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *arguments):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(f"listening http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
