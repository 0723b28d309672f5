import ManifoldJSON

/// The JSON Schema of the tools plugin's config; `manifests/plugins/tools.json` carries the same.
enum ToolsConfigSchema {
    static let schema: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "required": ["tools"],
        "properties": [
            "libraryPaths": ["type": "array", "items": ["type": "string", "minLength": 1]],
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
                    ],
                ],
            ],
        ],
    ]
}
