import Foundation
import ManifoldJSON
import ManifoldJournal

/// How `manifold runs` shows runs: a table, JSON, durations, ages.
enum RunsFormatting {
    /// One run as JSON.
    static func json(_ run: JournalRun) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(run.id), "graph": .string(run.graph), "file": .string(run.file), "graphDigest": .string(run.graphDigest),
            "status": .string(run.shownStatus), "startedAt": .string(run.startedAt.formatted(.iso8601)),
            "host": .string(run.host), "pid": .number(Double(run.pid)),
            "published": .number(Double(run.published)), "settled": .number(Double(run.settled)),
            "failed": .number(Double(run.failed)), "deadLettered": .number(Double(run.deadLettered)),
            "recordBytes": .number(Double(run.recordBytes)),
            "plugins": .array(run.plugins.map { plugin in
                var entry: [String: JSONValue] = [
                    "name": .string(plugin.name), "version": .string(plugin.version), "location": .string(plugin.location),
                ]
                if let sha256 = plugin.sha256 { entry["sha256"] = .string(sha256) }
                return .object(entry)
            }),
        ]
        if let endedAt = run.endedAt { object["endedAt"] = .string(endedAt.formatted(.iso8601)) }
        if let duration = run.duration { object["durationSeconds"] = .number(duration) }
        return .object(object)
    }

    /// The runs as an aligned table, one per line.
    static func table(_ runs: [JournalRun]) -> String {
        let header = ["RUN", "GRAPH", "STATUS", "STARTED", "DURATION", "PUBLISHED", "SETTLED", "FAILED", "DEAD"]
        let rows = runs.map { run in
            [
                run.id, ControlCharacters.escaped(run.graph), run.shownStatus, run.startedAt.formatted(.iso8601),
                run.duration.map(duration) ?? "-", "\(run.published)", "\(run.settled)", "\(run.failed)", "\(run.deadLettered)",
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// `850 µs`, `12.4 ms`, `3.2 s`, `4 min 5 s`.
    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 0.001 { return "\(Int((seconds * 1_000_000).rounded())) µs" }
        if seconds < 1 { return String(format: "%.1f ms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
    }

    /// An age written `30s`, `30m`, `12h` or `7d`, in seconds; `nil` when malformed.
    static func seconds(_ age: String) -> TimeInterval? {
        guard let unit = age.last, let count = Double(age.dropLast()), count >= 0, count.isFinite else { return nil }
        switch unit {
        case "s": return count
        case "m": return count * 60
        case "h": return count * 3600
        case "d": return count * 86_400
        default: return nil
        }
    }
}
