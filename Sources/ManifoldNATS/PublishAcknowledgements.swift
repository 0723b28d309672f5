import CNATS
import Synchronization

/// Who waits for the server's answer to each message published asynchronously: the C client
/// calls back with the message it was given, so a message is known by its address until then.
final class PublishAcknowledgements: @unchecked Sendable {
    /// Why the server did not store a message.
    struct Refusal: Sendable {
        let subject: String
        let reason: String
    }

    /// The messages of one `JetStream.publish` call, by their place in it, and the task waiting
    /// for all of them to be answered. A message sent again (its first answer lost with a
    /// server that restarted) has the same place: whichever answer comes first counts.
    final class Batch: Sendable {
        private struct State {
            var answered: [Bool]
            var remaining: Int
            var refused: Refusal?
            /// Places whose last answer said "not now" (a server still recovering): sent again.
            var deferred: Set<Int> = []
            var lastDeferral: Refusal?
            var waiter: CheckedContinuation<Void, Never>?
        }

        private let state: Mutex<State>

        init(count: Int) {
            state = Mutex(State(answered: Array(repeating: false, count: count), remaining: count))
        }

        /// The message at `index` was answered: `refusal` when the server did not store it.
        func answered(_ index: Int, refusal: Refusal?) {
            let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
                guard !state.answered[index] else { return nil }
                state.answered[index] = true
                state.remaining -= 1
                if state.refused == nil, let refusal { state.refused = refusal }
                guard state.remaining == 0 else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// The message at `index` was turned away for now (no JetStream to answer yet, after a
        /// restart): it is still unanswered and is sent again. Once every unanswered message is
        /// in that state, the waiting task goes on at once rather than waiting out its time.
        func deferred(_ index: Int, because refusal: Refusal) {
            let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
                guard !state.answered[index] else { return nil }
                state.deferred.insert(index)
                state.lastDeferral = refusal
                guard state.deferred.count == state.remaining else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// Whether some unanswered message was turned away for now since the last call (which
        /// forgets them: they are about to be sent again), and the server's last word on it.
        func takeDeferrals() -> Refusal? {
            state.withLock { state in
                defer {
                    state.deferred.removeAll()
                    state.lastDeferral = nil
                }
                return state.deferred.isEmpty ? nil : state.lastDeferral
            }
        }

        /// Waits until every message was answered or `timeout` passed; whether all were.
        func wait(timeout: Duration) async -> Bool {
            let timer = Task { [self] in
                try? await Task.sleep(for: timeout)
                let waiter = state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.remaining == 0 { return true }
                    state.waiter = continuation
                    return false
                }
                if done { continuation.resume() }
            }
            timer.cancel()
            return state.withLock { $0.remaining == 0 }
        }

        /// The first refusal, if any.
        var refusal: Refusal? { state.withLock { $0.refused } }

        /// The places of the messages not answered yet.
        var unanswered: [Int] {
            state.withLock { state in state.answered.indices.filter { !state.answered[$0] } }
        }
    }

    private let waiting = Mutex<[UInt: (batch: Batch, index: Int)]>([:])

    private static func key(_ msg: OpaquePointer) -> UInt {
        UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(msg)))
    }

    /// The answer for `msg` goes to `batch`, for its message at `index`.
    func expect(_ msg: OpaquePointer, in batch: Batch, at index: Int) {
        waiting.withLock { $0[Self.key(msg)] = (batch, index) }
    }

    /// No answer will come for `msg` (the client did not take it, or gave it back).
    func forget(_ msg: OpaquePointer) {
        _ = waiting.withLock { $0.removeValue(forKey: Self.key(msg)) }
    }

    /// The server answered `msg`.
    func answered(_ msg: OpaquePointer, refusal: Refusal?) {
        let expected = waiting.withLock { $0.removeValue(forKey: Self.key(msg)) }
        expected?.batch.answered(expected!.index, refusal: refusal)
    }

    /// `msg` was turned away for now: its batch sends it again.
    func deferred(_ msg: OpaquePointer, because refusal: Refusal) {
        let expected = waiting.withLock { $0.removeValue(forKey: Self.key(msg)) }
        expected?.batch.deferred(expected!.index, because: refusal)
    }

    /// Whether a failed answer means "not now" rather than "no": nobody answered on the
    /// stream's subject (a server that restarted answers connections before its JetStream has
    /// recovered), or JetStream said it is unavailable for the moment. Such a message is sent
    /// again under the same id; a real refusal (a full stream, a deleted one) is not.
    static func isTransient(_ status: natsStatus, code: jsErrCode) -> Bool {
        status == NATS_NO_RESPONDERS || status == NATS_TIMEOUT || code == JSClusterNotAvailErr
    }
}

/// The C client's callback with the server's answer to a message published asynchronously.
let publishAcknowledged: jsPubAckHandler = { _, msg, _, refusal, closure in
    guard let msg, let closure else { return }
    let acknowledgements = Unmanaged<PublishAcknowledgements>.fromOpaque(closure).takeUnretainedValue()
    var problem: PublishAcknowledgements.Refusal?
    if let refusal {
        let subject = natsMsg_GetSubject(msg).map { String(cString: $0) } ?? "?"
        let text = refusal.pointee.ErrText.map { String(cString: $0) } ?? String(cString: natsStatus_GetText(refusal.pointee.Err))
        problem = .init(subject: subject, reason: text)
        if PublishAcknowledgements.isTransient(refusal.pointee.Err, code: refusal.pointee.ErrCode), let problem {
            acknowledgements.deferred(msg, because: problem)
            natsMsg_Destroy(msg)
            return
        }
    }
    acknowledgements.answered(msg, refusal: problem)
    natsMsg_Destroy(msg)
}
