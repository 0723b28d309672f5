import Foundation
import Manifold
import ManifoldJSON
import ManifoldJournal

/// One recorded run as `manifold runs show` prints it: a header, per-node counts and the
/// records in order, each at its offset from the run's start.
struct RunTimeline {
    let run: JournalRun
    let records: [JournalRecord]

    /// The nodes that processed or emitted anything in the run.
    var nodes: Set<String> {
        var nodes = Set<String>()
        for record in records {
            switch record {
            case .emitted(let node, _, _, _), .settled(let node, _, _, _, _), .failed(let node, _, _, _), .snapshot(let node, _, _, _):
                nodes.insert(node)
            case .published(let artifact, _, _): if let origin = artifact.origin { nodes.insert(origin) }
            case .deadLettered, .shown: break
            }
        }
        return nodes
    }

    /// The records about `node` (all when `nil`): what it took, emitted, settled, failed on and lost.
    func records(about node: String?) -> [JournalRecord] {
        guard let node else { return records }
        var inputs = Set<String>()
        for case .settled(node, let input, _, _, _) in records { inputs.insert(input) }
        return records.filter { record in
            switch record {
            case .published(let artifact, _, _): artifact.origin == node || inputs.contains(artifact.id.rawValue)
            case .emitted(let owner, _, _, _), .settled(let owner, _, _, _, _), .failed(let owner, _, _, _), .snapshot(let owner, _, _, _):
                owner == node
            case .deadLettered(_, _, _, let by, _, _): by == node
            case .shown: false
            }
        }
    }

    // MARK: Text

    func text(node: String?) -> String {
        var lines = [header]
        lines.append(contentsOf: nodeSummaries.map { "  " + $0 })
        let start = UInt64(run.startedAt.timeIntervalSince1970 * 1_000_000_000)
        for record in records(about: node) {
            let offset = Double(Int64(bitPattern: record.time &- start)) / 1_000_000
            lines.append(String(format: "%+10.3f ms  ", offset) + describe(record))
        }
        return lines.map(ControlCharacters.escaped).joined(separator: "\n") + "\n"
    }

    private var header: String {
        let ended = run.duration.map { " in " + RunsFormatting.duration($0) } ?? ""
        let plugins = run.plugins.map { "\($0.name) \($0.version)" + ($0.sha256.map { " (sha256 \($0.prefix(12))…)" } ?? "") }
        return "run \(run.id): graph \(run.graph) (\(run.file)), \(run.shownStatus)\(ended), started \(run.startedAt.formatted(.iso8601))"
            + " on \(run.host), pid \(run.pid)\nplugins: \(plugins.joined(separator: ", "))\nnodes:"
    }

    /// `shout: 3 settled (1 failed), 5 emitted, mean 0.4 ms, longest 1.1 ms`, per node.
    private var nodeSummaries: [String] {
        var settled: [String: (count: Int, failed: Int, total: UInt64, longest: UInt64)] = [:]
        var emitted: [String: Int] = [:]
        for record in records {
            switch record {
            case .settled(let node, _, let succeeded, let duration, _):
                var entry = settled[node] ?? (0, 0, 0, 0)
                entry.count += 1
                if !succeeded { entry.failed += 1 }
                entry.total += duration
                entry.longest = max(entry.longest, duration)
                settled[node] = entry
            case .emitted(let node, _, _, _):
                emitted[node, default: 0] += 1
            default: break
            }
        }
        return nodes.sorted().map { node in
            let entry = settled[node] ?? (0, 0, 0, 0)
            let mean = entry.count == 0 ? "" : ", mean " + RunsFormatting.duration(Double(entry.total) / Double(entry.count) / 1e9)
                + ", longest " + RunsFormatting.duration(Double(entry.longest) / 1e9)
            return "\(node): \(entry.count) settled (\(entry.failed) failed), \(emitted[node] ?? 0) emitted\(mean)"
        }
    }

    private func describe(_ record: JournalRecord) -> String {
        switch record {
        case .published(let artifact, let topic, _):
            let from = artifact.origin.map { "from \($0)" } ?? "fed"
            return "publish  \(topic)  \(artifact.id) \(artifact.type) \(from)" + preview(artifact)
        case .emitted(let node, let input, let output, _):
            return "\(node)  emitted \(output) for \(input)"
        case .settled(let node, let input, let succeeded, let duration, _):
            return "\(node)  \(succeeded ? "done" : "FAILED") \(input) in " + RunsFormatting.duration(Double(duration) / 1e9)
        case .failed(let node, let input, let message, _):
            return "\(node)  error on \(input): \(message)"
        case .deadLettered(let artifact, let reason, let topic, let by, let detail, _):
            return "dead-letter  \(artifact) (\(reason)) on \(topic)" + (by.map { " by \($0)" } ?? "") + ": \(detail)"
        case .shown(let output, let artifact, _):
            return "output \(output)  showed \(artifact)"
        case .snapshot(let node, let key, let state, _):
            return "\(node)  state of \(key.isEmpty ? "the instance" : "conversation " + key) saved (\(state.count) bytes)"
        }
    }

    /// The start of a text payload, quoted; a size for other types.
    private func preview(_ artifact: Artifact) -> String {
        guard artifact.type.isText else { return "  (\(artifact.payload.count) bytes)" }
        let text = artifact.text
        let cut = text.count > 60 ? String(text.prefix(60)) + "…" : text
        return "  \"\(cut)\""
    }

    // MARK: JSON

    func json(node: String?) -> JSONValue {
        let start = UInt64(run.startedAt.timeIntervalSince1970 * 1_000_000_000)
        let entries: [JSONValue] = records(about: node).map { record in
            var object: [String: JSONValue] = [
                "offsetMilliseconds": .number(Double(Int64(bitPattern: record.time &- start)) / 1_000_000),
                "at": .string(Date(timeIntervalSince1970: Double(record.time) / 1e9).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            ]
            switch record {
            case .published(let artifact, let topic, _):
                object["kind"] = "published"
                object["topic"] = .string(topic)
                object["artifact"] = .object(OutputPrinter.json(artifact))
            case .emitted(let node, let input, let output, _):
                object["kind"] = "emitted"
                object["node"] = .string(node)
                object["input"] = .string(input)
                object["output"] = .string(output)
            case .settled(let node, let input, let succeeded, let duration, _):
                object["kind"] = "settled"
                object["node"] = .string(node)
                object["input"] = .string(input)
                object["succeeded"] = .bool(succeeded)
                object["durationMilliseconds"] = .number(Double(duration) / 1_000_000)
            case .failed(let node, let input, let message, _):
                object["kind"] = "failed"
                object["node"] = .string(node)
                object["input"] = .string(input)
                object["message"] = .string(message)
            case .deadLettered(let artifact, let reason, let topic, let by, let detail, _):
                object["kind"] = "dead-lettered"
                object["artifact"] = .string(artifact)
                object["reason"] = .string(reason)
                object["topic"] = .string(topic)
                if let by { object["by"] = .string(by) }
                object["detail"] = .string(detail)
            case .shown(let output, let artifact, _):
                object["kind"] = "shown"
                object["output"] = .string(output)
                object["artifact"] = .string(artifact)
            case .snapshot(let node, let key, let state, _):
                object["kind"] = "snapshot"
                object["node"] = .string(node)
                object["key"] = .string(key)
                object["bytes"] = .number(Double(state.count))
            }
            return .object(object)
        }
        return .object(["run": RunsFormatting.json(run), "records": .array(entries)])
    }
}
