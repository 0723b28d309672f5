import Manifold
import ManifoldLLM

/// Why the agent could not process an input. The Streamer records the failure and counts it;
/// nothing here ever carries an API key (provider errors are scrubbed by ManifoldLLM), and no
/// description a terminal control character (the text an input or a server sent is quoted
/// with them escaped).
public enum AgentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An input's payload is not what its type promises.
    case malformedInput(artifact: ArtifactID, type: ArtifactType, expected: String, got: String)
    /// An input of a type the agent does not take.
    case unsupportedInput(artifact: ArtifactID, type: ArtifactType)
    /// A `tool/result` for a conversation that has no such call pending.
    case unexpectedToolResult(conversation: String, callID: String, reason: String)
    /// The model call of a turn failed; `reason` is the provider's message.
    case modelCallFailed(conversation: String, round: Int, reason: String)
    /// The provider's stream ended without a final answer.
    case answerMissing(conversation: String, provider: String)
    /// The model still wanted tools after `limit` rounds; the agent answered with a notice instead.
    case toolRoundLimit(conversation: String, limit: Int, requested: [String])
    /// A saved conversation could not be loaded (`manifold.state`).
    case stateNotLoaded(conversation: String, reason: String)

    /// A complete message, naming the conversation and what to fix.
    public var description: String {
        ControlCharacters.escaped(explanation)
    }

    private var explanation: String {
        switch self {
        case .malformedInput(let artifact, let type, let expected, let got):
            return "agent: input \(artifact) (\(type)) is malformed: expected \(expected), got \(got)"
        case .unsupportedInput(let artifact, let type):
            return "agent: input \(artifact) has type \(type), which the agent does not take; "
                + "send text/plain, chat/message, tool/result or tool/catalog"
        case .unexpectedToolResult(let conversation, let callID, let reason):
            return "agent: tool result for call '\(callID)' in conversation '\(conversation)' was not expected: \(reason)"
        case .modelCallFailed(let conversation, let round, let reason):
            return "agent: model call failed in conversation '\(conversation)' (tool round \(round)): \(reason)"
        case .answerMissing(let conversation, let provider):
            return "agent: the \(provider) stream for conversation '\(conversation)' ended without a final answer"
        case .toolRoundLimit(let conversation, let limit, let requested):
            return "agent: conversation '\(conversation)' reached maxToolRounds (\(limit)) and the model still asked for "
                + "\(requested.joined(separator: ", ")); raise config.maxToolRounds if the task needs more rounds"
        case .stateNotLoaded(let conversation, let reason):
            return "agent: the saved state of conversation '\(conversation)' was not loaded: \(reason)"
        }
    }
}
