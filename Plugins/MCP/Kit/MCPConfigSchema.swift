import ManifoldJSON

/// The JSON Schema of the mcp plugin's config; `manifests/plugins/mcp.json` carries the same,
/// so `manifold validate` applies every rule below from the manifest alone, without running
/// plugin code (or any server).
enum MCPConfigSchema {
    static let seconds: JSONValue = [
        "type": "number", "exclusiveMinimum": 0, "maximum": .integer(Int64(MCPConfiguration.secondsRange.upperBound)),
    ]

    static let schema: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "required": ["servers"],
        "properties": [
            "servers": [
                "type": "array",
                "minItems": 1,
                "items": [
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    // A program or an endpoint: exactly one of the two.
                    "oneOf": [["required": ["command"]], ["required": ["url"]]],
                    "properties": [
                        "name": [
                            "type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$",
                            "description": "the server's name in messages, and the prefix of its tools' names when another server offers the same name",
                        ],
                        "command": [
                            "type": "string", "minLength": 1,
                            "description": "the program: a path, or a name looked up on the PATH the server gets",
                        ],
                        "url": [
                            "type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                            "description": "the Streamable HTTP endpoint of a server the node does not start, e.g. http://127.0.0.1:8000/mcp",
                        ],
                        "headers": [
                            "type": "object", "additionalProperties": ["type": "string"],
                            "description": "headers sent with every request to url, e.g. {\"Authorization\": \"Bearer ${TOKEN}\"}",
                        ],
                        "args": ["type": "array", "items": ["type": "string"]],
                        "env": [
                            "type": "object", "additionalProperties": ["type": "string"],
                            "description": "variables set in the server's environment, on top of the inherited ones",
                        ],
                        "inheritEnvironment": [
                            "type": "array", "items": ["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"],
                            "description": .string(
                                "names of the host's environment variables the server also inherits; by default it gets only "
                                    + MCPEnvironment.inheritedByDefault.joined(separator: ", ")),
                        ],
                        "workingDirectory": ["type": "string", "minLength": 1],
                        "prefix": [
                            "type": "string", "pattern": "^[A-Za-z0-9_-]{0,32}$",
                            "description": "put before each of this server's tool names, so they never clash",
                        ],
                    ],
                ],
            ],
            "callTimeoutSeconds": seconds,
            "startTimeoutSeconds": seconds,
            "restart": [
                "type": "object",
                "additionalProperties": false,
                "properties": [
                    "maxAttempts": [
                        "type": "integer", "minimum": 0, "maximum": 1000,
                        "description": "starts in a row that may fail before the server is given up (default 5; 0 never restarts)",
                    ],
                    "initialDelaySeconds": seconds,
                    "maxDelaySeconds": seconds,
                ],
            ],
        ],
        // What `manifold check-plugin` drives the plugin with: a server that exits at once
        // (`true` is on every machine), given up without a restart, so every call is answered
        // with an error result and nothing needs installing.
        "examples": [[
            "servers": [["name": "example", "command": "true"]], "startTimeoutSeconds": 10, "restart": ["maxAttempts": 0],
        ]],
    ]
}
