import Foundation
import Manifold
import ManifoldJSON
import ManifoldPluginKit
import Synchronization
import Testing

/// Collects what a generator or middleware emits, in order, from any task.
package final class Recorder: Sendable {
    private struct State {
        var artifacts: [Artifact] = []
        var waiters: [(type: ArtifactType, continuation: CheckedContinuation<Artifact, Never>)] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Everything emitted so far.
    package var all: [Artifact] { state.withLock { $0.artifacts } }

    /// Those of one type.
    package func of(_ type: ArtifactType) -> [Artifact] { all.filter { $0.type == type } }

    /// A context for `input` whose `emit` records here.
    package func context(for input: Artifact, node: String = "node") -> ProcessingContext {
        ProcessingContext(node: node, input: input) { [self] artifact in record(artifact) }
    }

    /// The first artifact of `type`, waiting (without spinning) until one is emitted.
    package func first(of type: ArtifactType) async -> Artifact {
        await withCheckedContinuation { continuation in
            let found: Artifact? = state.withLock { state in
                if let hit = state.artifacts.first(where: { $0.type == type }) { return hit }
                state.waiters.append((type, continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    /// Forgets what was recorded.
    package func clear() { state.withLock { $0.artifacts.removeAll() } }

    private func record(_ artifact: Artifact) {
        let woken: [CheckedContinuation<Artifact, Never>] = state.withLock { state in
            state.artifacts.append(artifact)
            let matching = state.waiters.filter { $0.type == artifact.type }.map(\.continuation)
            state.waiters.removeAll { $0.type == artifact.type }
            return matching
        }
        for continuation in woken { continuation.resume(returning: artifact) }
    }
}

/// Collects log lines.
package final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    package init() {}

    /// The log closure to hand to a plugin.
    package var log: @Sendable (PluginHost.LogLevel, String) -> Void {
        { [self] _, message in lines.withLock { $0.append(message) } }
    }

    /// Every line so far, joined.
    package var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

/// A counter shared by the closures of a test.
package final class Counter: Sendable {
    private let value = Mutex(0)

    package init() {}

    /// Adds one and returns the new value.
    @discardableResult
    package func increment() -> Int { value.withLock { $0 += 1; return $0 } }

    /// The value now.
    package var current: Int { value.withLock { $0 } }
}

/// The payload of `artifact` parsed as JSON (`.null` when it is not JSON, which fails the
/// expectations that read it).
package func json(_ artifact: Artifact) -> JSONValue {
    (try? JSONValue(parsing: artifact.payload)) ?? .null
}

/// Runs `body`, which must throw an error whose description contains every fragment.
package func expectError(
    containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected an error containing \(fragments), but nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        let message = "\(error)"
        for fragment in fragments {
            #expect(message.contains(fragment), "message \"\(message)\" lacks \"\(fragment)\"", sourceLocation: sourceLocation)
        }
    }
}

/// Synchronous variant of `expectError`.
package func expectError(
    containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected an error containing \(fragments), but nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        let message = "\(error)"
        for fragment in fragments {
            #expect(message.contains(fragment), "message \"\(message)\" lacks \"\(fragment)\"", sourceLocation: sourceLocation)
        }
    }
}

/// Fails instead of hanging when `body` takes longer than `seconds`; `body` is cancelled then.
@discardableResult
package func withTimeLimit<T: Sendable>(
    _ seconds: Double = 30, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            Issue.record("did not finish within \(seconds) s", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return value
    }
}

/// Where the test's shared libraries are.
package enum TestLibraries {
    package static let libm = "libm.so.6"
    package static let exampleToolsFileName = "libManifoldExampleTools.so"

    /// The folder of the test binary, where `swift test` puts every built product.
    package static let binaryFolder: String = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().path
}

/// The repository's `manifests/plugins` folder.
package let pluginManifestFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("manifests/plugins")
