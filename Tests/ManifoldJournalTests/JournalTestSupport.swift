import Foundation
import Manifold
import ManifoldJournal
import Synchronization
import Testing

/// Temporary journals and the runs the journal tests record.
enum JournalTestSupport {
    /// A path in a new private folder; the file does not exist yet.
    static func newJournalPath() throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-journal-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder + "/runs.db"
    }

    /// A run description for tests.
    static func run(_ id: String, startedAt: Date = Date()) -> JournalRun {
        JournalRun(
            id: id, graph: "test", file: "test.json", graphDigest: "abc",
            plugins: [JournalRun.Plugin(name: "echo", version: "1.0.0", location: "/x/libecho.so", sha256: "def")], startedAt: startedAt)
    }

    static let textPorts = PortTypes(inputs: [.plainText], outputs: [.plainText])

    /// Feeds `texts` through three nodes (`in` → a → b → c → `out`) on a hub the recorder
    /// observes, and returns once everything reached `out` and the recording finished.
    static func recordPipeline(_ texts: [String], payloadSize: Int = 0, into recorder: JournalRecorder) async throws -> [Artifact] {
        let hub = Hub()
        let topics = try ["in", "ab", "bc", "out"].map(Topic.init)
        var streamers: [Streamer] = []
        for (index, name) in ["a", "b", "c"].enumerated() {
            streamers.append(Streamer(
                name: name,
                generator: ClosureGenerator(ports: textPorts) { input, context in
                    try await context.emit(Artifact(type: .plainText, payload: input.payload + Data(name.utf8)))
                },
                subscribeTo: [TopicPattern(exactly: topics[index])], output: topics[index + 1], hub: hub))
        }
        recorder.start(hub: hub)
        let sink = hub.subscribe([TopicPattern(exactly: topics[3])], name: "sink")
        for streamer in streamers { try streamer.connect() }
        try hub.connect(NodePorts(node: "input", output: topics[0], emits: [.plainText]))
        let collected = Task {
            var outputs: [Artifact] = []
            for try await artifact in sink { outputs.append(artifact) }
            return outputs
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for streamer in streamers { group.addTask { _ = try await streamer.run() } }
            let padding = Data(repeating: 0x2E, count: payloadSize)
            try await hub.publish(contentsOf: texts.map { Artifact(type: .plainText, payload: Data($0.utf8) + padding) }, to: topics[0])
            await hub.waitUntilIdle()
            hub.close()
            try await group.waitForAll()
        }
        return try await collected.value
    }
}

/// Values appended from any thread.
final class Collected<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func append(_ item: Element) { items.withLock { $0.append(item) } }

    var values: [Element] { items.withLock { $0 } }
}
