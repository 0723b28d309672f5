import Foundation
import Manifold
import ManifoldJSON

/// Which inputs of a node wait for a person: the `rules` of an `approval` middleware's config.
///
/// An input waits when any rule matches it, and a rule matches when everything it names
/// does: `tools` (tool names of a `tool/call`, `*` standing for any run of characters),
/// `types` (artifact types, wildcards allowed), `metadata` (keys with the exact values).
/// Without rules, every tool call (`tool/call`) waits and anything else goes on: a tools
/// node's catalog requests need nobody.
public struct ApprovalRules: Sendable {
    /// One rule.
    public struct Rule: Sendable {
        /// Tool-name patterns; a `tool/call` calling one of them matches.
        public var tools: [String]?
        /// Artifact types (patterns such as `text/*`).
        public var types: [ArtifactType]?
        /// Metadata that must be present with these values.
        public var metadata: [String: String]?

        /// Where it is in the config, for the request: `rules[0]`.
        var label: String

        func matches(_ input: Artifact, tool: String?) -> Bool {
            if let types, !types.contains(where: { $0.accepts(input.type) }) { return false }
            if let metadata, !metadata.allSatisfy({ input.metadata[$0.key] == $0.value }) { return false }
            if let tools {
                guard let tool else { return false }
                return tools.contains { ApprovalRules.glob($0, matches: tool) }
            }
            return true
        }
    }

    /// The rules, in the config's order.
    public let rules: [Rule]

    /// Reads `config.rules` (the config was checked against `ApprovalPlugin.configSchema`).
    ///
    /// - Throws: `ApprovalConfigError` for a type that does not parse.
    public init(config: JSONValue) throws(ApprovalConfigError) {
        var rules: [Rule] = []
        for (index, entry) in (config["rules"]?.arrayValue ?? []).enumerated() {
            var types: [ArtifactType]?
            for (position, value) in (entry["types"]?.arrayValue ?? []).enumerated() {
                let text = value.stringValue ?? value.jsonText
                do {
                    types = (types ?? []) + [try ArtifactType(parsing: text)]
                } catch {
                    throw ApprovalConfigError(
                        path: "$.rules[\(index)].types[\(position)]",
                        problem: "'\(text)' is no artifact type (\(error)); write type/subtype, such as tool/call or text/*")
                }
            }
            var metadata: [String: String]?
            if let object = entry["metadata"]?.objectValue {
                metadata = Dictionary(uniqueKeysWithValues: object.compactMap { key, value in value.stringValue.map { (key, $0) } })
            }
            rules.append(Rule(
                tools: entry["tools"]?.arrayValue?.compactMap(\.stringValue), types: types, metadata: metadata, label: "rules[\(index)]"))
        }
        self.rules = rules
    }

    /// What a config the schema accepted still gets wrong, as the graph validator reports it
    /// (path, and a message with its fix), before any plugin instance is made.
    static func problems(in config: JSONValue) -> [SchemaViolation] {
        do {
            _ = try ApprovalRules(config: config)
            return []
        } catch {
            return [SchemaViolation(path: error.path, keyword: SchemaKeyword.message, message: error.problem)]
        }
    }

    /// The label of the first rule `input` matches (`"every tool call"` without rules), or
    /// `nil` when it goes on without a person.
    public func match(_ input: Artifact) -> String? {
        match(input, call: input.type == .toolCall ? (try? JSONValue(parsing: input.payload))?.objectValue : nil)
    }

    /// `match(_:)` for an input whose `tool/call` payload the caller read already (`call`;
    /// `nil` for any other input).
    func match(_ input: Artifact, call: JSONObject?) -> String? {
        if rules.isEmpty { return input.type == .toolCall ? "every tool call" : nil }
        let tool = call?["name"]?.stringValue
        return rules.first { $0.matches(input, tool: tool) }?.label
    }

    /// Whether `name` matches `pattern`, where `*` stands for any run of characters.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == name }
        guard name.hasPrefix(parts[0]) else { return false }
        var rest = name.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        let last = parts[parts.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}

/// An `approval` config the schema let through but that cannot be used.
public struct ApprovalConfigError: Error, CustomStringConvertible {
    /// Where in the config, e.g. `$.rules[0].types[1]`.
    public let path: String
    /// What is wrong.
    public let problem: String

    public var description: String { "approval config \(path): \(problem)" }
}
