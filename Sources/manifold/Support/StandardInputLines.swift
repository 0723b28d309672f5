import Foundation
import Manifold

/// Standard input as a stream of artifacts, one per line, as lines arrive.
enum StandardInputLines {
    /// A reading thread feeds the stream: `readLine` blocks, and a blocked read must not
    /// hold a thread of the Swift concurrency pool.
    static func stream(type: ArtifactType) -> AsyncStream<Artifact> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) {
                    if case .terminated = continuation.yield(Artifact(type: type, payload: Data(line.utf8))) { return }
                }
                continuation.finish()
            }
            thread.start()
        }
    }
}
