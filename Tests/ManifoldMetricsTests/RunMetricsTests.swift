import Foundation
import Manifold
import Testing

@testable import ManifoldMetrics

/// A run's events become Prometheus metrics: a real hub and node for the node and topic
/// families, an agent's answer for the model family, and the endpoint a scraper reads.
@Suite("Run metrics")
struct RunMetricsTests {
    static let ports = PortTypes(inputs: [.plainText], outputs: [.plainText])

    /// The exposition's sample lines, without comments.
    static func samples(_ metrics: RunMetrics) -> [String] {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    @Test func aNodesInputsOutputsFailuresAndTopicsAreCounted() async throws {
        let hub = Hub()
        let metrics = RunMetrics(openPlugins: { 2 })
        hub.addObserver(metrics)
        let node = Streamer(
            name: "shout",
            generator: ClosureGenerator(ports: Self.ports) { input, context in
                if input.text == "bad" { throw MetricsTestFailure() }
                try await context.emit(.text(input.text.uppercased()))
            },
            subscribeTo: [try TopicPattern("in")], output: try Topic("out"), hub: hub)
        let outputs = try hub.subscribe("out", name: "reader")
        try node.connect()
        let run = Task { try await node.run() }
        for text in ["a", "bad", "c"] { try await hub.publish(.text(text), to: try Topic("in")) }
        var iterator = outputs.makeAsyncIterator()
        _ = try await iterator.next()
        _ = try await iterator.next()
        await hub.waitUntilIdle()
        hub.close()
        _ = try await run.value

        let samples = Self.samples(metrics)
        #expect(samples.contains(#"manifold_node_inputs_total{node="shout"} 3"#), "\(samples)")
        #expect(samples.contains(#"manifold_node_outputs_total{node="shout"} 2"#), "\(samples)")
        #expect(samples.contains(#"manifold_node_failures_total{node="shout"} 1"#), "\(samples)")
        #expect(samples.contains(#"manifold_node_in_flight{node="shout"} 0.0"#), "\(samples)")
        #expect(samples.contains(#"manifold_node_processing_seconds_count{node="shout"} 3"#), "\(samples)")
        #expect(samples.contains(#"manifold_topic_published_total{topic="in"} 3"#), "\(samples)")
        #expect(samples.contains(#"manifold_topic_published_total{topic="out"} 2"#), "\(samples)")
        #expect(samples.contains(#"manifold_topic_delivered_total{topic="out"} 2"#), "\(samples)")
        #expect(samples.contains(#"manifold_plugins_open 2.0"#), "\(samples)")
        let memory = samples.first { $0.hasPrefix("manifold_process_resident_memory_bytes ") }
        #expect((memory?.split(separator: " ").last.flatMap { Double($0) } ?? 0) > 1_000_000, "\(String(describing: memory))")
    }

    @Test func anAgentsAnswerCountsItsModelCallsAndTokens() {
        let metrics = RunMetrics()
        let answer = Artifact(
            type: .chatMessage, payload: Data(#"{"role":"assistant","content":"hi"}"#.utf8),
            metadata: ["agent.model_calls": "2", "agent.model": "gpt-test", "usage.total_input_tokens": "120", "usage.total_output_tokens": "30"])
        metrics.observe(.output(node: "assistant", output: answer, topic: try! Topic("chat"), input: ArtifactID()))
        metrics.observe(.output(node: "assistant", output: answer, topic: try! Topic("chat"), input: ArtifactID()))
        let samples = Self.samples(metrics)
        #expect(samples.contains(#"manifold_model_requests_total{node="assistant",model="gpt-test"} 4"#), "\(samples)")
        #expect(samples.contains(#"manifold_model_input_tokens_total{node="assistant",model="gpt-test"} 240"#), "\(samples)")
        #expect(samples.contains(#"manifold_model_output_tokens_total{node="assistant",model="gpt-test"} 60"#), "\(samples)")
    }

    @Test func theEndpointServesTheTextFormatAtMetricsOnly() async throws {
        let metrics = RunMetrics()
        metrics.observe(.published(.text("x"), topic: try Topic("t")))
        let endpoint = try await MetricsEndpoint(host: "127.0.0.1", port: 0, metrics: metrics)
        defer { Task { await endpoint.close() } }
        let scrape = try HTTPGet.fetch(endpoint.url)
        #expect(scrape.status == 200)
        #expect(scrape.headers.contains("text/plain; version=0.0.4"), "\(scrape.headers)")
        #expect(scrape.body.contains(#"manifold_topic_published_total{topic="t"} 1"#), "\(scrape.body)")
        let wrong = try HTTPGet.fetch("http://127.0.0.1:\(endpoint.port)/other")
        #expect(wrong.status == 404)
        #expect(wrong.body.contains("the metrics are at /metrics"))
    }
}

struct MetricsTestFailure: Error {}

/// One HTTP/1.1 GET over a plain socket: what a scraper sends.
enum HTTPGet {
    static func fetch(_ url: String) throws -> (status: Int, headers: String, body: String) {
        let parts = try #require(URL(string: url))
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(parts.port ?? 80).bigEndian)
        inet_pton(AF_INET, parts.host ?? "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0, "cannot connect to \(url)")
        let request = "GET \(parts.path) HTTP/1.1\r\nHost: \(parts.host ?? ""):\(parts.port ?? 80)\r\nConnection: close\r\n\r\n"
        _ = request.utf8CString.withUnsafeBufferPointer { send(descriptor, $0.baseAddress, $0.count - 1, 0) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { break }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, head, body)
    }
}
