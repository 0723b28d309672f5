import Foundation
import Manifold
import ManifoldPluginKit
import Synchronization

/// `filter`: a middleware that drops, passes or rewrites inputs (or outputs) by rules from
/// its config. The first matching rule decides; drops are counted and reported in the log.
struct FilterPlugin: MiddlewarePlugin {
    struct Configuration: Decodable, Sendable {
        /// The rules, tried in order.
        var rules: [Rule]
        /// What to do when no rule matches: "pass" (default) or "drop".
        var otherwise: Action?
        /// Whether rules apply to the node's "inputs" (default) or its "outputs".
        var applyTo: Side?
    }

    struct Rule: Decodable, Sendable {
        /// Artifact type pattern the artifact must match, e.g. "text/*".
        var type: String?
        /// Substring the text payload must contain.
        var contains: String?
        /// Regular expression the text payload must match.
        var matches: String?
        /// Metadata pairs the artifact must carry.
        var metadata: [String: String]?
        /// What to do with a matching artifact.
        var action: Action
        /// For "rewrite": replace each match of `matches` (or the whole text) with this.
        var replaceWith: String?
        /// For "rewrite": metadata to set.
        var setMetadata: [String: String]?
    }

    enum Action: String, Decodable, Sendable { case pass, drop, rewrite }
    enum Side: String, Decodable, Sendable { case inputs, outputs }

    static let info = PluginInfo(
        name: "filter", version: "1.0.0", summary: "Drops, passes or rewrites artifacts by rules; counts every drop.",
        ports: .any,
        configSchema: [
            "type": "object",
            "additionalProperties": false,
            "required": ["rules"],
            "properties": [
                "otherwise": ["enum": ["pass", "drop"]],
                "applyTo": ["enum": ["inputs", "outputs"]],
                "rules": [
                    "type": "array",
                    "items": [
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["action"],
                        "properties": [
                            "type": ["type": "string"],
                            "contains": ["type": "string"],
                            "matches": ["type": "string"],
                            "metadata": ["type": "object", "additionalProperties": ["type": "string"]],
                            "action": ["enum": ["pass", "drop", "rewrite"]],
                            "replaceWith": ["type": "string"],
                            "setMetadata": ["type": "object", "additionalProperties": ["type": "string"]],
                        ],
                    ],
                ],
            ],
            "examples": [[
                "applyTo": "outputs",
                "rules": [["contains": "password", "action": "drop"], ["matches": "[0-9]", "action": "rewrite", "replaceWith": "#"]],
            ]],
        ],
        allowsConcurrentProcessing: true)

    struct CompiledRule: @unchecked Sendable {
        // NSRegularExpression is immutable once made and safe to share.
        let rule: Rule
        let type: ArtifactType?
        let expression: NSRegularExpression?
    }

    let rules: [CompiledRule]
    let otherwise: Action
    let side: Side
    let host: PluginHost
    let counts = FilterCounts()

    init(configuration: Configuration, host: PluginHost) throws {
        self.host = host
        otherwise = configuration.otherwise ?? .pass
        side = configuration.applyTo ?? .inputs
        rules = try configuration.rules.enumerated().map { index, rule in
            let type: ArtifactType?
            do {
                type = try rule.type.map { try ArtifactType(parsing: $0) }
            } catch {
                throw ConfigurationError(message: "config.rules[\(index)].type: \(error)")
            }
            let expression: NSRegularExpression?
            do {
                expression = try rule.matches.map { try NSRegularExpression(pattern: $0) }
            } catch {
                throw ConfigurationError(message: "config.rules[\(index)].matches is not a valid regular expression: \(error)")
            }
            if rule.action == .rewrite && rule.replaceWith == nil && rule.setMetadata == nil {
                throw ConfigurationError(message: "config.rules[\(index)]: a rewrite needs replaceWith or setMetadata")
            }
            return CompiledRule(rule: rule, type: type, expression: expression)
        }
    }

    func handle(_ input: Artifact, context: ProcessingContext, next: MiddlewareNext) async throws {
        switch side {
        case .inputs:
            guard let kept = apply(to: input) else { return }
            try await next(kept, context)
        case .outputs:
            try await next(input, context.interceptingEmits { output, emit in
                if let kept = apply(to: output) { try await emit(kept) }
            })
        }
    }

    func shutdown() async {
        let (seen, dropped, rewritten) = counts.state.withLock { $0 }
        host.log(.info, "filter: \(seen) seen, \(dropped) dropped, \(rewritten) rewritten")
    }

    /// The artifact to pass on, or nil when it is dropped.
    func apply(to artifact: Artifact) -> Artifact? {
        let rule = rules.first { matches($0, artifact) }
        let action = rule?.rule.action ?? otherwise
        counts.state.withLock { counts in
            counts.seen += 1
            if action == .drop { counts.dropped += 1 }
            if action == .rewrite { counts.rewritten += 1 }
        }
        switch action {
        case .pass:
            return artifact
        case .drop:
            host.log(.info, "filter dropped \(artifact.id) (\(artifact.type))")
            return nil
        case .rewrite:
            return rewrite(artifact, by: rule!)
        }
    }

    private func matches(_ compiled: CompiledRule, _ artifact: Artifact) -> Bool {
        if let type = compiled.type, !type.accepts(artifact.type) { return false }
        if let required = compiled.rule.metadata, required.contains(where: { artifact.metadata[$0.key] != $0.value }) {
            return false
        }
        let text = artifact.text
        if let needle = compiled.rule.contains, !text.contains(needle) { return false }
        if let expression = compiled.expression,
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
        {
            return false
        }
        return true
    }

    private func rewrite(_ artifact: Artifact, by compiled: CompiledRule) -> Artifact {
        var rewritten = artifact
        if let replacement = compiled.rule.replaceWith {
            let text = artifact.text
            let newText: String
            if let expression = compiled.expression {
                newText = expression.stringByReplacingMatches(
                    in: text, range: NSRange(text.startIndex..., in: text),
                    withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
            } else {
                newText = replacement
            }
            rewritten.payload = Data(newText.utf8)
        }
        for (key, value) in compiled.rule.setMetadata ?? [:] { rewritten.metadata[key] = value }
        return rewritten
    }
}

/// How many artifacts a filter saw, dropped and rewrote.
final class FilterCounts: Sendable {
    let state = Mutex((seen: 0, dropped: 0, rewritten: 0))
}

@_cdecl("manifold_library_entry")
public func manifoldLibraryEntry() -> UnsafeRawPointer? {
    PluginLibrary.entry(.middleware(FilterPlugin.self))
}
