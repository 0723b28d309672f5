import Manifold
import ManifoldHost
import ManifoldJournal
import ManifoldManifest

/// What a resumed run has to do, worked out from its journal and the graph as built now:
/// the artifacts each node had not settled, and the outputs not shown yet.
struct ResumePlan {
    /// Artifacts to deliver to one node each, in the order they were published.
    var redeliveries: [(node: String, artifact: Artifact)] = []
    /// Outputs published to a graph output that it had not shown, in order.
    var unshown: [(output: String, artifact: Artifact)] = []

    init(replay: JournalReplay, graphRun: GraphRun, manifest: GraphManifest, sources: Set<String>) {
        // A node's replicas share its inputs: one delivery per node, to its first.
        var nodes: [Streamer] = []
        var named = Set<String>()
        for streamer in graphRun.streamers where named.insert(streamer.name).inserted { nodes.append(streamer) }
        for (artifact, topicName) in replay.published {
            // Work the node had not finished is done again, and emitted again.
            guard !replay.isUnfinishedWork(artifact, sources: sources), let topic = try? Topic(topicName) else { continue }
            for node in nodes where node.subscriptions.contains(where: { $0.matches(topic) }) {
                guard node.chain.generator.ports.inputs.accepts(artifact.type),
                    !(replay.settled[node.name]?.contains(artifact.id) ?? false)
                else { continue }
                redeliveries.append((node.name, artifact))
            }
            for output in manifest.outputs where output.topic == topic && output.types.accepts(artifact.type) {
                if !(replay.shown[output.name]?.contains(artifact.id) ?? false) { unshown.append((output.name, artifact)) }
            }
        }
    }
}

/// How the graph and its plugins differ from when a run started.
struct ResumeChanges {
    let descriptions: [String]

    init(run: JournalRun, graphFile: String, plugins: [JournalRun.Plugin]) {
        var changes: [String] = []
        let digest = RunJournal.digest(ofFile: graphFile)
        if digest != run.graphDigest {
            changes.append("graph \(run.file) changed (sha256 \(run.graphDigest.prefix(12))… then, \(digest.prefix(12))… now)")
        }
        let before = Dictionary(run.plugins.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let now = Dictionary(plugins.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in Set(before.keys).union(now.keys).sorted() {
            switch (before[name], now[name]) {
            case (let old?, let new?):
                if old.version != new.version { changes.append("plugin \(name) is version \(new.version), was \(old.version)") }
                if old.sha256 != new.sha256 {
                    changes.append("plugin \(name)'s library changed (\(new.location): sha256 \((old.sha256 ?? "none").prefix(12))… then, \((new.sha256 ?? "none").prefix(12))… now)")
                }
            case (nil, _?): changes.append("the graph now uses plugin \(name)")
            case (_?, nil): changes.append("the graph no longer uses plugin \(name)")
            case (nil, nil): break
            }
        }
        descriptions = changes
    }
}
