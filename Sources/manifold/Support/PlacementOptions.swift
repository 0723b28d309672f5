import ArgumentParser
import ManifoldHost
import ManifoldManifest
import ManifoldNATS

/// Options that spread one graph over several processes on a NATS hub: which nodes this
/// process runs, and how many instances of each.
struct PlacementOptions: ParsableArguments {
    @Option(
        name: .customLong("only"),
        help: ArgumentHelp(
            "Run only these nodes here (comma-separated or repeated); the others run in `manifold worker` processes.",
            discussion: "--only '' runs none here (a coordinator that only feeds and reads). Needs a NATS hub (--hub nats://… or hub.transport). See docs/distributed.md.",
            valueName: "nodes"))
    var only: [String] = []

    @Option(
        name: .customLong("replicas"),
        help: ArgumentHelp(
            "Start N instances of a node here, sharing its inputs (repeatable; overrides the node's \"replicas\").",
            valueName: "node=N"))
    var replicas: [String] = []

    /// The nodes named by `--only` (none for `--only ''`), or `nil` without it: every node.
    var onlyNodes: [String]? {
        guard !only.isEmpty else { return nil }
        return only.flatMap { $0.split(separator: ",") }.map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `--replicas` as counts by node.
    ///
    /// - Throws: `ValidationError` for a value that is not `node=N` with N at least 1.
    func replicaCounts() throws(ValidationError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for text in replicas {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let count = Int(parts[1]), count >= 1, !parts[0].isEmpty else {
                throw ValidationError("--replicas takes NODE=N with N at least 1, e.g. --replicas upper=3; got '\(text)'")
            }
            counts[String(parts[0])] = count
        }
        return counts
    }
}

/// `--hub` as a transport; `nil` when not given.
///
/// - Throws: `ValidationError` for a value that is neither `in-process` nor a NATS URL.
func hubTransport(_ hub: String?) throws(ValidationError) -> HubSettings.Transport? {
    guard let hub else { return nil }
    if hub == "in-process" { return .inProcess }
    guard NATSServerURL.looksLikeURL(hub) else {
        throw ValidationError("--hub \(NATSServerURL.scrub(hub)) is neither in-process nor a NATS server URL; write nats://HOST:PORT (tls://HOST:PORT for TLS), e.g. --hub nats://127.0.0.1:4222")
    }
    return .nats(hub)
}
