import Foundation

/// Collects tool calls that arrive in pieces, possibly several interleaved, and emits the
/// matching events.
///
/// Fragments are matched to calls by the wire's own key (OpenAI's `index`, Anthropic's
/// content block index) and by the call's `id`, but calls are reported by their ordinal, the
/// position in the final `toolCalls` array, so that event indexes mean the same thing for
/// every provider. Servers differ in how they key parallel calls: OpenAI gives each call its
/// own `index`; Ollama's `/v1` route sends every call whole at `index` 0, and older versions
/// send no `index` at all. So a fragment with an `id` that differs from the call open at its
/// index starts a new call there, and a fragment with neither index nor id continues the
/// latest call.
struct ToolCallAssembler: Sendable {
    private struct Pending: Sendable {
        var id: String?
        /// Whether `id` came from the server (and not from `generatedID()`).
        var hasServerID = false
        var name: String
        var arguments: String
        var started = false
        var completed = false
    }

    /// Every call so far, by ordinal.
    private var calls: [Pending] = []
    /// The ordinal of the call each wire key currently designates.
    private var callAtKey: [Int: Int] = [:]
    /// Scrubbed from the snippet of a call that cannot be completed.
    private let secrets: Secrets

    init(secrets: Secrets = .none) {
        self.secrets = secrets
    }

    /// Adds a fragment; any of key, id, name and argument text may be absent.
    ///
    /// `key` is the wire's index of the call. Without one, a fragment with an `id` belongs to
    /// the call with that id (a new one if there is none), and one without an id continues the
    /// latest call, unless it names another function or `startsNewCall` says it cannot (a
    /// later entry of the same chunk's array is always another call).
    ///
    /// A call is announced (`toolCallStarted`) once its name is known; argument text that came
    /// earlier is then passed on in one delta, so that deltas never precede the start.
    mutating func apply(
        key: Int?, id: String?, name: String?, arguments: String?, startsNewCall: Bool = false
    ) -> [ChatStreamEvent] {
        let id = id.flatMap { $0.isEmpty ? nil : $0 }
        let ordinal = ordinal(key: key, id: id, name: name, startsNewCall: startsNewCall)
        var call = calls[ordinal]
        guard !call.completed else { return [] }
        var events: [ChatStreamEvent] = []
        if let id, call.id == nil {
            call.id = id
            call.hasServerID = true
        }
        // Some servers repeat the name in every fragment; it is never split, so keep the first.
        if let name, !name.isEmpty, call.name.isEmpty { call.name = name }
        let fragment = arguments ?? ""
        call.arguments += fragment
        if !call.started, !call.name.isEmpty {
            call.started = true
            if call.id == nil { call.id = Self.generatedID() }
            events.append(.toolCallStarted(index: ordinal, id: call.id ?? "", name: call.name))
            if !call.arguments.isEmpty {
                events.append(.toolCallArgumentsDelta(index: ordinal, fragment: call.arguments))
            }
        } else if call.started, !fragment.isEmpty {
            events.append(.toolCallArgumentsDelta(index: ordinal, fragment: fragment))
        }
        calls[ordinal] = call
        return events
    }

    /// The ordinal of the call a fragment belongs to, creating the call when it is new.
    private mutating func ordinal(key: Int?, id: String?, name: String?, startsNewCall: Bool) -> Int {
        if let key {
            if let ordinal = callAtKey[key] {
                let open = calls[ordinal]
                // A different id at a taken index is the next call (Ollama's `/v1` puts every
                // call at index 0); so is any id at an index whose call already has a name
                // and a generated id, since that call can no longer take the server's id.
                let isAnother = id.map { id in open.id.map { $0 != id } ?? false } ?? false
                if !isAnother { return ordinal }
            }
            let ordinal = newCall()
            callAtKey[key] = ordinal
            return ordinal
        }
        if let id {
            if let ordinal = calls.lastIndex(where: { $0.hasServerID && $0.id == id }) { return ordinal }
            return newCall()
        }
        // A name other than the latest call's is another call: servers repeat a call's name
        // in its fragments, but never rename it.
        let renamed = name.map { name in !name.isEmpty && !(calls.last?.name.isEmpty ?? true) && calls.last?.name != name } ?? false
        if startsNewCall || calls.isEmpty || renamed { return newCall() }
        return calls.count - 1
    }

    private mutating func newCall() -> Int {
        calls.append(Pending(name: "", arguments: ""))
        return calls.count - 1
    }

    /// Marks the call under `key` complete and emits it; throws if it never got a name.
    mutating func complete(key: Int, provider: String) throws -> [ChatStreamEvent] {
        guard let ordinal = callAtKey[key] else { return [] }
        return try complete(ordinal: ordinal, provider: provider)
    }

    private mutating func complete(ordinal: Int, provider: String) throws -> [ChatStreamEvent] {
        var call = calls[ordinal]
        guard !call.completed else { return [] }
        guard call.started else {
            throw ProviderError.malformedStream(
                provider: provider,
                expected: "a function name for tool call \(ordinal)",
                snippet: Snippet.make("arguments: " + call.arguments, secrets: secrets)
            )
        }
        call.completed = true
        calls[ordinal] = call
        return [.toolCall(ToolCall(id: call.id ?? "", name: call.name, argumentsText: call.arguments))]
    }

    /// Completes every open call, in ordinal order.
    mutating func completeAll(provider: String) throws -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = []
        for ordinal in calls.indices {
            events += try complete(ordinal: ordinal, provider: provider)
        }
        return events
    }

    /// The completed calls, in ordinal order.
    var toolCalls: [ToolCall] {
        calls.filter(\.completed).map { ToolCall(id: $0.id ?? "", name: $0.name, argumentsText: $0.arguments) }
    }

    /// An id for servers that send none (some OpenAI-compatible ones, Ollama): random, so ids
    /// stay unique across the turns of a conversation.
    static func generatedID() -> String {
        "call_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24).lowercased()
    }
}
