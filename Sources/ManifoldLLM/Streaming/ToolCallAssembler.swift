import Foundation

/// Collects tool calls that arrive in pieces, possibly several interleaved, and emits the
/// matching events.
///
/// Calls are keyed by the wire's own key (OpenAI's `index`, Anthropic's content block
/// index) but reported by their ordinal, the position in the final `toolCalls` array, so
/// that event indexes mean the same thing for every provider.
struct ToolCallAssembler: Sendable {
    private struct Pending: Sendable {
        var ordinal: Int
        var id: String?
        var name: String
        var arguments: String
        var started = false
        var completed = false
    }

    private var pending: [Int: Pending] = [:]
    private var keysInOrder: [Int] = []
    private var finished: [Int: ToolCall] = [:]
    /// Scrubbed from the snippet of a call that cannot be completed.
    private let secrets: Secrets

    init(secrets: Secrets = .none) {
        self.secrets = secrets
    }

    /// Adds a fragment for `key`: any of id, name and argument text may be present.
    ///
    /// A call is announced (`toolCallStarted`) once its name is known; argument text that came
    /// earlier is then passed on in one delta, so that deltas never precede the start.
    mutating func apply(key: Int, id: String?, name: String?, arguments: String?) -> [ChatStreamEvent] {
        var call = pending[key] ?? {
            keysInOrder.append(key)
            return Pending(ordinal: keysInOrder.count - 1, id: nil, name: "", arguments: "")
        }()
        guard !call.completed else { return [] }
        var events: [ChatStreamEvent] = []
        if let id, !id.isEmpty, call.id == nil { call.id = id }
        // Some servers repeat the name in every fragment; it is never split, so keep the first.
        if let name, !name.isEmpty, call.name.isEmpty { call.name = name }
        let fragment = arguments ?? ""
        call.arguments += fragment
        if !call.started, !call.name.isEmpty {
            call.started = true
            if call.id == nil { call.id = Self.generatedID() }
            events.append(.toolCallStarted(index: call.ordinal, id: call.id ?? "", name: call.name))
            if !call.arguments.isEmpty {
                events.append(.toolCallArgumentsDelta(index: call.ordinal, fragment: call.arguments))
            }
        } else if call.started, !fragment.isEmpty {
            events.append(.toolCallArgumentsDelta(index: call.ordinal, fragment: fragment))
        }
        pending[key] = call
        return events
    }

    /// Marks the call under `key` complete and emits it; throws if it never got a name.
    mutating func complete(key: Int, provider: String) throws -> [ChatStreamEvent] {
        guard var call = pending[key], !call.completed else { return [] }
        guard call.started else {
            throw ProviderError.malformedStream(
                provider: provider,
                expected: "a function name for tool call \(call.ordinal)",
                snippet: Snippet.make("arguments: " + call.arguments, secrets: secrets)
            )
        }
        call.completed = true
        pending[key] = call
        let toolCall = ToolCall(id: call.id ?? "", name: call.name, argumentsText: call.arguments)
        finished[call.ordinal] = toolCall
        return [.toolCall(toolCall)]
    }

    /// Completes every open call, in ordinal order.
    mutating func completeAll(provider: String) throws -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        for key in keysInOrder {
            events += try complete(key: key, provider: provider)
        }
        return events
    }

    /// The completed calls, in ordinal order.
    var toolCalls: [ToolCall] {
        finished.keys.sorted().compactMap { finished[$0] }
    }

    /// An id for servers that send none (some OpenAI-compatible ones, Ollama): random, so ids
    /// stay unique across the turns of a conversation.
    static func generatedID() -> String {
        "call_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24).lowercased()
    }
}
