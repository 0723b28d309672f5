import Foundation
import ManifoldLLM

/// Snapshots of conversations for the `manifold.state` extension: the history of each,
/// versioned JSON, so a later run (or another instance) can carry a conversation on.
extension ConversationStore {
    /// A conversation's saved form.
    struct Snapshot: Codable, Equatable {
        /// The format; bumped when the shape changes.
        var version: Int
        /// User, assistant and tool messages so far.
        var history: [ChatMessage]
    }

    /// The current snapshot format.
    static let snapshotVersion = 1

    /// The keys of conversations that have a history.
    var keysWithHistory: [String] {
        state.withLock { state in state.conversations.filter { !$0.value.history.isEmpty }.keys.sorted() }
    }

    /// The history of `key`, as bytes; empty when it has none. A turn in progress is not part
    /// of it: only messages of finished turns are.
    func snapshot(of key: String) throws -> Data {
        let history: [ChatMessage] = state.withLock { state in
            guard let conversation = state.conversations[key] else { return [] }
            if let turn = conversation.turn { return Array(conversation.history.prefix(turn.historyStart)) }
            return conversation.history
        }
        guard !history.isEmpty else { return Data() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(Snapshot(version: Self.snapshotVersion, history: history))
    }

    /// Replaces the history of `key` by a snapshot; refused while a turn of it is running.
    func restore(_ bytes: Data, key: String) throws {
        let snapshot: Snapshot
        do {
            snapshot = try JSONDecoder().decode(Snapshot.self, from: bytes)
        } catch {
            throw AgentError.stateNotLoaded(conversation: key, reason: "it does not decode: \(error)")
        }
        guard snapshot.version == Self.snapshotVersion else {
            throw AgentError.stateNotLoaded(
                conversation: key, reason: "it has format \(snapshot.version); this agent reads \(Self.snapshotVersion)")
        }
        try state.withLock { state in
            if let existing = state.conversations[key], existing.isBusy {
                throw AgentError.stateNotLoaded(conversation: key, reason: "a turn is in progress; load state between turns")
            }
            state.touch(key, maxConversations: self.maxConversations)
            state.conversations[key]!.history = snapshot.history
        }
    }
}
