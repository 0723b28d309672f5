import Foundation
import Manifold
import Synchronization
import Testing

/// `StreamerOptions.inputTimeout`: an input past its limit is cancelled and fails with
/// `InputTimedOut` (on `$errors` and in the dead letters as `input-timed-out`); a chain that
/// ignores the cancel is left behind, and what it emits later is dead-lettered as
/// `late-output`, never published; inputs within the limit are not touched.
@Suite("Streamer: per-input time limit")
struct StreamerInputTimeoutTests {
    @Test("a chain that honours the cancel fails the input and the node goes on")
    func cancelledInTime() async throws {
        let generator = ClosureGenerator(ports: textPorts) { input, context in
            if input.text == "slow" { try await Task.sleep(for: .seconds(600)) }
            try await context.emit(.text(input.text.uppercased()))
        }
        let (outputs, deadLetters, report) = try await Self.run(generator, inputs: ["a", "slow", "b"], grace: .seconds(30), deadLetters: 1)
        #expect(outputs == ["A", "B"])
        #expect(report.failed == 1 && report.processed == 2)
        #expect(report.failures.first?.message.contains("did not finish the input within 200 ms") == true)
        #expect(report.failures.first?.message.contains("left behind") == false, "it stopped when cancelled")
        #expect(deadLetters.map(\.deadLetterReason) == ["input-timed-out"])
        #expect(deadLetters.first?.text == "slow", "the input itself is dead-lettered")
    }

    @Test("a chain that ignores the cancel is left behind, and its late outputs are dead-lettered")
    func leftBehind() async throws {
        let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let generator = ClosureGenerator(ports: textPorts) { input, context in
            if input.text == "stuck" {
                // Deaf to cancellation until the test lets it go.
                await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
                try? await context.emit(.text("late"))
                return
            }
            try await context.emit(.text(input.text.uppercased()))
        }
        let (outputs, deadLetters, report) = try await Self.run(
            generator, inputs: ["a", "stuck", "b"], grace: .milliseconds(100), deadLetters: 2,
            beforeClosing: {
                // Let the stuck chain emit now that its input has failed.
                let continuation = release.withLock { $0.take() }
                continuation?.resume()
                try await Task.sleep(for: .milliseconds(200))
            })
        #expect(outputs == ["A", "B"], "the late output was not published")
        #expect(report.failures.first?.message.contains("left behind") == true)
        #expect(Set(deadLetters.map { $0.deadLetterReason ?? "" }) == ["input-timed-out", "late-output"])
        #expect(deadLetters.first { $0.deadLetterReason == "late-output" }?.text == "late")
        #expect(report.rejectedOutputs == 1, "the late output is counted")
    }

    /// Runs `generator` over `inputs` with a 200 ms limit; returns the outputs, the dead
    /// letters and the report.
    static func run(
        _ generator: ClosureGenerator, inputs: [String], grace: Duration, deadLetters expected: Int,
        beforeClosing: @Sendable () async throws -> Void = {}
    ) async throws -> ([String], [Artifact], StreamerReport) {
        let hub = Hub()
        let node = Streamer(
            name: "timed", generator: generator, subscribeTo: [parsePattern("in")], output: parseTopic("out"), hub: hub,
            options: StreamerOptions(inputTimeout: .milliseconds(200), inputTimeoutGrace: grace))
        var outputs = Inbox(try hub.subscribe("out", name: "sink", capacity: 64))
        var deadLetters = try hub.deadLetterInbox()
        var errors = Inbox(try hub.subscribe("$errors", name: "errors", capacity: 64))
        try node.connect()
        let run = Task { try await node.run() }
        for input in inputs { try await hub.publish(.text(input), to: parseTopic("in")) }
        let received = try await outputs.take(inputs.count - 1).map(\.text)
        try await beforeClosing()
        let letters = try await deadLetters.take(expected)
        _ = try await errors.take(1)
        try await withDeadline { await hub.waitUntilIdle() }
        hub.close()
        let report = try await run.value
        #expect(try await deadLetters.drain().isEmpty)
        return (received, letters, report)
    }
}
