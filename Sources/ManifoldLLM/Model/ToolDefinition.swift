import ManifoldJSON

/// A tool the model may call, described to it by name, purpose and a JSON Schema.
public struct ToolDefinition: Sendable, Hashable, Codable {
    /// The name the model uses to call the tool (providers restrict it to `[a-zA-Z0-9_-]`).
    public var name: String
    /// What the tool does and when to use it; the model reads this.
    public var description: String
    /// A JSON Schema of type `object` for the arguments.
    public var parameters: JSONValue

    /// Creates a definition; with no schema, the tool takes no arguments.
    public init(
        name: String,
        description: String,
        parameters: JSONValue = .object(["type": "object", "properties": .object([:])])
    ) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}
