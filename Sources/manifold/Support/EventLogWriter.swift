import Foundation
import Manifold
import ManifoldHost

/// Writes a run's events as JSON lines (`--events FILE`), off the run's threads: it reads
/// `Hub.events()`, so a slow disk costs events (counted in `"missed"` records), never speed.
final class EventLogWriter: Sendable {
    private let feed: RunEventFeed
    private let task: Task<Void, Never>

    /// Starts writing the hub's events to `path` (created or truncated).
    ///
    /// - Throws: `EventLogError` when the file cannot be created, before the run starts.
    init(path: String, hub: Hub) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw EventLogError(path: path)
        }
        let feed = hub.events()
        self.feed = feed
        task = Task {
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
            try? file.close()
        }
    }

    /// Writes what is queued, then closes the file.
    func finish() async {
        feed.finish()
        await task.value
    }
}

/// `--events` names a file that cannot be created.
struct EventLogError: Error, CustomStringConvertible {
    let path: String

    var description: String {
        "--events \(path): cannot create the file; check that its folder exists and is writable"
    }
}
