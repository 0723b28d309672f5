import CNATS
import Synchronization

/// A subscription whose messages wait in the client until taken (`takeAll`), rather than go
/// to a handler: what arrived before a `NATSConnection.flush()` returned is there to take
/// once it has returned, which a handler on another thread cannot promise.
public final class NATSQueuedSubscription: @unchecked Sendable {
    private let pointer: OpaquePointer
    private let ended = Atomic<Bool>(false)
    private let taking = Mutex(())

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Every message that has arrived and was not taken yet, in order.
    public func takeAll() -> [NATSMessage] {
        taking.withLock { _ in
            guard !ended.load(ordering: .acquiring) else { return [] }
            var queued: UInt64 = 0
            guard natsSubscription_QueuedMsgs(pointer, &queued) == NATS_OK else { return [] }
            var messages: [NATSMessage] = []
            for _ in 0..<queued {
                var msg: OpaquePointer?
                guard natsSubscription_NextMsg(&msg, pointer, 1) == NATS_OK, let msg else { break }
                messages.append(NATSMessage(reading: msg))
                natsMsg_Destroy(msg)
            }
            return messages
        }
    }

    /// Messages the client dropped because they were not taken in time (its pending limits).
    public var droppedCount: Int64 {
        var dropped: Int64 = 0
        natsSubscription_GetDropped(pointer, &dropped)
        return dropped
    }

    /// Stops the subscription. Idempotent.
    public func unsubscribe() {
        taking.withLock { _ in
            guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
            natsSubscription_Unsubscribe(pointer)
        }
    }

    deinit {
        unsubscribe()
        natsSubscription_Destroy(pointer)
    }
}

extension NATSConnection {
    /// Subscribes to `subject`, keeping its messages until taken (`NATSQueuedSubscription.takeAll`).
    public func subscribeQueued(_ subject: String) throws(NATSError) -> NATSQueuedSubscription {
        var made: OpaquePointer?
        let status = natsConnection_SubscribeSync(&made, connection, subject)
        guard status == NATS_OK, let made else { throw failure("refused a subscription to \(subject)", status) }
        return NATSQueuedSubscription(pointer: made)
    }
}
