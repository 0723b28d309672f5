import Manifold
import ManifoldJSON

/// The `approval` middleware as a plugin the host offers by name, bound to a run's desk.
public enum ApprovalPlugin {
    /// The name graphs list it by.
    public static let name = "approval"

    /// The config it takes: which inputs wait (`rules`), for how long (`timeoutSeconds`, then
    /// denied), and how many may wait at once (`maxPending`).
    public static let configSchema: JSONValue = {
        let text = #"""
            {"type": "object", "additionalProperties": false,
             "properties": {
               "rules": {"type": "array", "description": "An input waits for a person when any rule matches it; without rules, every tool/call waits.",
                 "items": {"type": "object", "additionalProperties": false,
                   "properties": {
                     "tools": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                               "description": "Tool names of tool/call inputs; * stands for any characters."},
                     "types": {"type": "array", "items": {"type": "string", "minLength": 3}, "minItems": 1,
                               "description": "Artifact types, such as tool/call or text/*."},
                     "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1,
                                  "description": "Metadata keys that must have these values."}}}},
               "timeoutSeconds": {"type": "number", "exclusiveMinimum": 0,
                                  "description": "Deny an input nobody decided on within this time."},
               "maxPending": {"type": "integer", "minimum": 1, "maximum": 100000,
                              "description": "How many inputs may wait at once (64); more wait in the node's queue."}}}
            """#
        return try! JSONValue(parsing: text)
    }()

    /// The plugin, making middleware that wait at `desk`.
    public static func provider(desk: ApprovalDesk) -> InProcessPlugin {
        // The schema is a constant of this file, valid JSON Schema: making the plugin cannot fail.
        try! InProcessPlugin.middleware(
            name: name, summary: "Holds the inputs its rules match until a person approves, edits or denies them.",
            handles: .any, configSchema: configSchema, check: ApprovalRules.problems(in:)
        ) { node, config, _ in
            try ApprovalMiddleware(node: node, config: config, desk: desk)
        }
    }
}
