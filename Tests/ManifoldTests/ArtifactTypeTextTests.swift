import Manifold
import Testing

@Suite("ArtifactType.isText")
struct ArtifactTypeTextTests {
    @Test("text, JSON, XML and YAML types, Manifold's JSON families and charset-bearing types are text",
          arguments: [
              "text/plain", "text/html", "application/json", "application/vnd.acme.order+json", "application/x-ndjson",
              "image/svg+xml", "application/xml", "application/yaml", "chat/message", "chat/delta", "tool/call",
              "manifold/error", "application/x-thing;charset=utf-8",
          ])
    func text(_ type: String) throws {
        #expect(try ArtifactType(parsing: type).isText)
    }

    @Test("everything else is binary, wildcards included",
          arguments: ["application/gzip", "application/octet-stream", "image/png", "audio/ogg", "application/pdf", "*/*", "application/*"])
    func binary(_ type: String) throws {
        #expect(try !ArtifactType(parsing: type).isText)
    }
}
