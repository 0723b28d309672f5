import Foundation
import Testing

/// `--metrics`: a run's metrics scraped while it runs, as Prometheus would.
@Suite("metrics")
struct MetricsCLITests {
    /// GETs `url` with Python's standard library (the tests' Python), as a scraper would.
    static func scrape(_ url: String) async throws -> String {
        let python = ProcessInfo.processInfo.environment["MANIFOLD_TEST_PYTHON"] ?? CLI.repositoryRoot + "/.build/test-python/bin/python3"
        let script = "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=30).read().decode())"
        let result = try await CLI.shell("'\(python)' -c '\(script)' '\(url)'")
        try #require(result.status == 0, "scrape failed: \(result.stderr)")
        return result.stdout
    }

    @Test("a scrape during a run shows its nodes, topics, model use and process")
    func scrapesARunningGraph() async throws {
        let run = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", "Examples/agent-chat.json", "--lines", "--metrics", "127.0.0.1:0"],
            // It waits for the scrapes, which need a slot of their own.
            directory: CLI.repositoryRoot, environment: [:], takesSlot: false)
        let banner = String(decoding: await run.readError(until: "/metrics", timeLimit: .seconds(60)), as: UTF8.self)
        let url = try #require(banner.firstRange(of: #/http://127\.0\.0\.1:\d+/metrics/#).map { String(banner[$0]) }, "\(banner)")
        run.input.fileHandleForWriting.write(Data("What is Manifold?\n".utf8))
        let shown = await run.readOutput(until: "ask a real model.", timeLimit: .seconds(60))

        // The answer can be printed a moment before the node reports the input done: scraped
        // until it has, as a dashboard would see it a scrape later.
        let settled = [
            #"manifold_node_inputs_total{node="assistant"} 1"#, #"manifold_node_in_flight{node="assistant"} 0.0"#,
            #"manifold_topic_published_total{topic="prompt"} 1"#, #"manifold_model_requests_total{node="assistant",model="unknown"} 1"#,
        ]
        var metrics = try await Self.scrape(url)
        let deadline = ContinuousClock.now + .seconds(30)
        while !settled.allSatisfy(metrics.contains) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            metrics = try await Self.scrape(url)
        }
        for line in settled { #expect(metrics.contains(line), "\(metrics)") }
        #expect(metrics.contains("# TYPE manifold_node_processing_seconds histogram"), "\(metrics)")
        #expect(metrics.contains("manifold_plugins_open "), "\(metrics)")

        try run.input.fileHandleForWriting.close()
        let finished = await run.collect(timeLimit: .seconds(60), alreadyRead: shown, alreadyReadError: Data(banner.utf8))
        #expect(finished.status == 0, "\(finished.stderr)")
    }

    @Test func anAddressThatCannotBeListenedOnStopsTheRunBeforeAnyPlugin() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--metrics", "203.0.113.7:9464"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: --metrics: cannot listen on 203.0.113.7:9464"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let malformed = try await CLI.run(["run", "Examples/pipeline.json", "--input", "x", "--metrics", "9464"])
        #expect(malformed.stderr.contains("--metrics takes HOST:PORT"), "\(malformed.stderr)")
    }
}
