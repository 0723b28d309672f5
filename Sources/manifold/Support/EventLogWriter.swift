import Foundation
import Manifold
import ManifoldHost
import Synchronization

/// Writes a run's events as JSON lines (`--events FILE`), off the run's threads: it reads
/// `Hub.events()`, so a slow disk costs events (counted in `"missed"` records), never speed.
final class EventLogWriter: Sendable {
    private let file: FileHandle
    private let running = Mutex<(feed: RunEventFeed, task: Task<Void, Never>)?>(nil)

    /// Creates (or truncates) the file at `path`; call before the graph is built, so a path
    /// that cannot be written is refused before any plugin code runs.
    ///
    /// - Throws: `EventLogError` when the file cannot be created.
    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw EventLogError(path: path)
        }
        self.file = file
    }

    /// Starts writing the hub's events.
    func start(hub: Hub) {
        let feed = hub.events()
        let file = self.file
        let task = Task {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var failed = false
            for await element in feed.stream where !failed {
                let record: RunEventRecord
                switch element {
                case .event(let event): record = RunEventRecord(event)
                case .dropped(let count): record = RunEventRecord(missed: count)
                }
                // A record of strings, numbers and optionals always encodes.
                guard var line = try? encoder.encode(record) else { continue }
                line.append(0x0A)
                do { try file.write(contentsOf: line) } catch {
                    Terminal.error("warning: --events: writing failed (\(error)); the rest of the event log is lost")
                    failed = true
                }
            }
        }
        running.withLock { $0 = (feed, task) }
    }

    /// Writes what is queued, then closes the file.
    func finish() async {
        if let (feed, task) = running.withLock({ $0 }) {
            feed.finish()
            await task.value
        }
        try? file.close()
    }
}

/// `--events` names a file that cannot be created.
struct EventLogError: Error, CustomStringConvertible {
    let path: String

    var description: String {
        "--events \(path): cannot create the file; check that its folder exists and is writable"
    }
}
