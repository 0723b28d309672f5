import ManifoldJSON

/// The JSON Schema of the agent's config; `manifests/plugins/agent.json` carries the same.
enum AgentConfigSchema {
    /// The schema of a ManifoldLLM `ProviderConfig`.
    static let provider: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "required": ["provider"],
        "properties": [
            "provider": ["enum": ["openai", "anthropic", "ollama", "scripted"]],
            "baseURL": ["type": "string", "pattern": "^https?://"],
            "model": ["type": "string", "minLength": 1],
            "apiKeyEnv": ["type": "string", "minLength": 1],
            "timeoutSeconds": ["type": "number", "exclusiveMinimum": 0],
            "connectTimeoutSeconds": ["type": "number", "exclusiveMinimum": 0],
            "requestTimeoutSeconds": ["type": "number", "exclusiveMinimum": 0],
            "maxResponseBytes": ["type": "integer", "minimum": 1024],
            "maxEventBytes": ["type": "integer", "minimum": 1024],
            "maxRetries": ["type": "integer", "minimum": 0, "maximum": 10],
            "maxTokens": ["type": "integer", "minimum": 1],
            "headers": ["type": "object", "additionalProperties": ["type": "string"]],
            "script": ["type": "array", "minItems": 1, "items": scriptedTurn],
            "chunkDelayMilliseconds": ["type": "integer", "minimum": 0, "maximum": 60000],
            "reasoning": ["type": "boolean"],
            "reasoningEffort": ["type": "string", "minLength": 1],
            "extraBody": ["type": "object"],
        ],
    ]

    /// One turn of the scripted provider.
    static let scriptedTurn: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "properties": [
            "text": ["type": "string"],
            "toolCalls": [
                "type": "array",
                "items": [
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "properties": [
                        "id": ["type": "string", "minLength": 1],
                        "name": ["type": "string", "minLength": 1],
                        "arguments": ["type": "object"],
                    ],
                ],
            ],
            "usage": [
                "type": "object",
                "additionalProperties": false,
                "required": ["inputTokens", "outputTokens"],
                "properties": [
                    "inputTokens": ["type": "integer", "minimum": 0],
                    "outputTokens": ["type": "integer", "minimum": 0],
                    "cacheReadInputTokens": ["type": "integer", "minimum": 0],
                    "cacheCreationInputTokens": ["type": "integer", "minimum": 0],
                ],
            ],
        ],
    ]

    /// The whole config.
    static let schema: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "required": ["provider"],
        "properties": [
            "provider": provider,
            "systemPrompt": ["type": "string"],
            "model": ["type": "string", "minLength": 1],
            "temperature": ["type": "number", "minimum": 0, "maximum": 2],
            "maxTokens": ["type": "integer", "minimum": 1],
            "maxToolRounds": ["type": "integer", "minimum": 0, "maximum": 1000],
            "tools": [
                "type": "array",
                "items": [
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "properties": [
                        "name": ["type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"],
                        "description": ["type": "string"],
                        "parameters": ["type": "object"],
                    ],
                ],
            ],
            "emitDeltas": ["type": "boolean"],
            "toolCatalog": ["enum": ["none", "request"]],
            "maxConversations": ["type": "integer", "minimum": 1],
        ],
        // Offline, so `manifold check-plugin agent` can drive it with no model at hand.
        "examples": [[
            "provider": [
                "provider": "scripted", "chunkDelayMilliseconds": 20,
                "script": [["text": "Manifold runs agent graphs: plugins wired together by typed topics on a shared hub."]],
            ],
            "systemPrompt": "Answer in one sentence.",
            "emitDeltas": true,
        ]],
    ]
}
