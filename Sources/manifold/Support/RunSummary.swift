import Foundation
import Manifold
import ManifoldHost

/// What `manifold run` says at the end: always what was lost, and with --stats the counters.
enum RunSummary {
    static func report(_ report: GraphRunReport, stats: Bool, latencies: [String: LatencyHistogram] = [:]) {
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
        lines.append("outputs: " + report.outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        Terminal.error(lines.joined(separator: "\n"))
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
