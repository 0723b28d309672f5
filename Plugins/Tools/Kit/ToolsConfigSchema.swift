import ManifoldFFI
import ManifoldJSON

/// The JSON Schema of the tools plugin's config; `manifests/plugins/tools.json` carries the
/// same, so `manifold validate` applies every rule below from the manifest alone, without
/// running plugin code.
///
/// Two rules are about what the model may do with a tool, in Manifold's schema keywords
/// (`SchemaKeyword`):
/// - one `if`/`then` per group of `DangerousSymbols`: a tool whose symbol is in the group
///   must say `"unsafe": true`, or validation fails with the group's `x-manifold-message`;
/// - `"unsafe"` carries an `x-manifold-warning`, so every tool that says `"unsafe": true`
///   is a warning of `manifold validate`.
enum ToolsConfigSchema {
    static let schema: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "required": ["tools"],
        "properties": [
            "libraryPaths": ["type": "array", "items": ["type": "string", "minLength": 1]],
            "allowInsecureLibraries": [
                "type": "boolean",
                "description": "true loads tool libraries that someone other than root and the user could replace",
                SchemaKeyword.warning: .string(
                    "tool libraries are loaded even if someone other than root and you could replace them: whoever can "
                        + "write the file or a folder on the way to it chooses the code the model runs"),
            ],
            "threads": [
                "type": "integer", "minimum": .integer(Int64(ToolsConfiguration.threadRange.lowerBound)),
                "maximum": .integer(Int64(ToolsConfiguration.threadRange.upperBound)),
                "description": .string(
                    "OS threads of the node's own that run its C calls, so a call that blocks never holds a thread of the runtime "
                        + "(default \(ForeignCallPool.defaultThreadLimit))"),
            ],
            "maxQueuedCalls": [
                "type": "integer", "minimum": .integer(Int64(ToolsConfiguration.queueRange.lowerBound)),
                "maximum": .integer(Int64(ToolsConfiguration.queueRange.upperBound)),
                "description": .string(
                    "calls that may wait for a free thread; one more is answered with an error result (default \(ForeignCallPool.defaultQueueLimit))"),
            ],
            "tools": [
                "type": "array",
                "minItems": 1,
                "items": [
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "library", "symbol", "signature"],
                    "properties": [
                        "name": ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"],
                        "description": ["type": "string"],
                        "library": ["type": "string", "minLength": 1],
                        "symbol": ["type": "string", "minLength": 1],
                        "signature": ["type": "string", "minLength": 1],
                        "parameters": ["type": "object"],
                        "sha256": [
                            "type": "string", "pattern": "^[0-9A-Fa-f]{64}$",
                            "description": "the library's SHA-256; a different file is refused before it is loaded",
                        ],
                        "unsafe": [
                            "type": "boolean",
                            "description": "true lets the tool call a function on the list of dangerous C functions",
                            SchemaKeyword.warning: .string(unsafeWarning),
                        ],
                    ],
                    "allOf": .array(DangerousSymbols.groups.map(rule)),
                ],
            ],
        ],
        "examples": [[
            "tools": [[
                "name": "pow", "description": "x raised to the power y.", "library": "libm.so.6", "symbol": "pow",
                "signature": "double(double x, double y)",
            ]]
        ]],
    ]

    /// The warning for every tool that says `"unsafe": true`.
    static let unsafeWarning =
        "\"unsafe\": true lets this tool call a C function on the dangerous list (\(DangerousSymbols.groups.map(\.name).joined(separator: ", "))); "
        + "the model may run it at any time with any arguments it likes"

    /// A tool whose symbol is in `group` must say `"unsafe": true`.
    private static func rule(_ group: DangerousSymbols.Group) -> JSONValue {
        [
            "if": [
                "required": ["symbol"],
                "properties": ["symbol": ["type": "string", "pattern": .string(DangerousSymbols.pattern(of: group))]],
            ],
            "then": [
                "required": ["unsafe"],
                "properties": ["unsafe": ["const": true]],
                SchemaKeyword.message: .string(
                    "tool '${0/name}' calls '${0/symbol}', which can \(group.risk); a tool is code the model may run at any time "
                        + "with any arguments, so this one loads only with \"unsafe\": true: add \"unsafe\": true to the tool "
                        + "if the model should have that power, or choose another function"),
            ],
        ]
    }
}
