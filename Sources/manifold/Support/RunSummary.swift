import Foundation
import Manifold
import ManifoldHost

/// What `manifold run` says at the end: always what was lost, after a stop what was
/// processed, and with --stats the counters.
enum RunSummary {
    static func report(_ report: GraphRunReport, stats: Bool, latencies: [String: LatencyHistogram] = [:]) {
        if report.wasStopped { Terminal.error(stopped(report)) }
        if report.inputsNotFed > 0 {
            Terminal.error("warning: \(report.inputsNotFed) input(s) were read as the run was cancelled and not fed")
        }
        let lost = report.hub.deadLettered
        if lost > 0 {
            var reasons: [String: Int] = [:]
            for letter in report.deadLetters {
                reasons[letter.metadata[MetadataKey.deadLetterReason] ?? "unknown", default: 0] += 1
            }
            let detail = reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            Terminal.error("warning: \(lost) artifact(s) could not be delivered and went to $dead-letter (\(detail))")
            for letter in report.deadLetters.prefix(5) {
                Terminal.error("  \(letter.type) from \(letter.origin ?? "input"): \(letter.metadata[MetadataKey.deadLetterDetail] ?? "")")
            }
        }
        for node in report.nodes where node.failed > 0 {
            Terminal.error("node '\(node.node)': \(node.failed) input(s) failed")
            for failure in node.failures.prefix(3) { Terminal.error("  \(failure.message)") }
        }
        for (node, error) in report.failedSources.sorted(by: { $0.key < $1.key }) {
            Terminal.error("node '\(node)': its source failed: \(error)")
        }
        guard stats else { return }
        var lines = ["", "run finished in \(format(report.duration))", "", "nodes:"]
        lines.append(row("node", "processed", "failed", "emitted", "rejected", "mean", "p50", "p99", "max"))
        for node in report.nodes {
            let histogram = latencies[node.node] ?? LatencyHistogram()
            lines.append(row(
                node.node, "\(node.processed)", "\(node.failed)", "\(node.emitted)", "\(node.rejectedOutputs)",
                format(node.meanInputTime), format(histogram.percentile(50)), format(histogram.percentile(99)),
                format(node.longestInput)))
        }
        lines += ["", "topics:", row("topic", "published", "delivered", "dropped", "rejected", "dead", "")]
        for (topic, counters) in report.hub.topics.sorted(by: { $0.key < $1.key }) where counters.published > 0 {
            lines.append(row(
                topic, "\(counters.published)", "\(counters.delivered)", "\(counters.dropped)", "\(counters.rejected)",
                "\(counters.deadLettered)", ""))
        }
        lines.append("")
        if !report.inputsFed.isEmpty {
            lines.append("inputs: " + report.inputsFed.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        lines.append("outputs: " + report.outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        Terminal.error(lines.joined(separator: "\n"))
    }

    /// What a graceful stop did: the inputs read, every one of them through the graph, and the
    /// outputs written. Losses, if any, are reported apart, as dead letters and failures.
    static func stopped(_ report: GraphRunReport) -> String {
        let read = report.inputsFed.values.reduce(0, +)
        let written = report.outputs.values.reduce(0, +)
        let processed = report.nodes.reduce(0) { $0 + $1.processed + $1.failed }
        return "stopped: \(read) input(s) read and drained through the graph (\(processed) node input(s) processed), "
            + "\(written) output(s) written"
    }

    /// The nodes with inputs inside them or queued for them, for the message that ends a run
    /// which did not end when told to. Reads counters only: it runs on the watchdog's thread
    /// while plugins may hold every thread of the concurrency pool.
    static func busyNodes(_ run: GraphRun) -> String {
        let queued = Dictionary(
            run.hub.statistics.subscriptions.map { ($0.name, $0.pending) }, uniquingKeysWith: +)
        let busy = run.streamers.compactMap { node -> String? in
            let inside = node.inputsInProgress
            let waiting = queued[node.name] ?? 0
            guard inside > 0 || waiting > 0 else { return nil }
            return "node '\(node.name)' (\(inside) input(s) being processed, \(waiting) queued)"
        }
        return busy.isEmpty ? "no node is processing an input" : busy.joined(separator: ", ")
    }

    private static func row(_ columns: String...) -> String {
        let widths = [18, 10, 10, 10, 10, 10, 10, 10, 10]
        return "  " + zip(columns, widths).map { column, width in
            column.count >= width ? column + " " : column + String(repeating: " ", count: width - column.count)
        }.joined()
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds >= 1 { return String(format: "%.2f s", seconds) }
        if seconds >= 0.001 { return String(format: "%.2f ms", seconds * 1000) }
        return String(format: "%.1f µs", seconds * 1_000_000)
    }
}
