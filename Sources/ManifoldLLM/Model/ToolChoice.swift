/// Whether and which tool the model must call.
public enum ToolChoice: Sendable, Hashable {
    /// The model decides (every provider's default when tools are given).
    case auto
    /// The model must answer in text.
    case none
    /// The model must call at least one tool.
    case required
    /// The model must call the named tool.
    case tool(String)
}
