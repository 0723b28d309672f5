import DequeModule
import Foundation
import Synchronization

/// A reader of a durable pull consumer, speaking JetStream's pull protocol itself: it asks for
/// up to N messages (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`, answers to an inbox of its
/// own), and the server sends them, then — when the request expires before N came — a status
/// message that ends the request. Several readers, in one process or several, share the
/// consumer's messages: each message goes to one of them at a time.
///
/// One request is outstanding at a time, so what a reader is sent never exceeds what it asked
/// for (plus, rarely, a message sent as its request expired, kept for the next call).
public final class JetStreamPull: @unchecked Sendable {
    private let connection: NATSConnection
    private let inbox: String
    private let requestSubject: String
    private var subscription: NATSSubscription?
    private let mailbox = Mailbox()
    /// Only the reading thread touches these.
    private var requestActive = false
    private var requestOutstanding = 0
    private var requestDeadline = ContinuousClock.now

    init(connection: NATSConnection, stream: String, consumer: String) throws(NATSError) {
        self.connection = connection
        inbox = connection.newInbox()
        requestSubject = "$JS.API.CONSUMER.MSG.NEXT.\(stream).\(consumer)"
        subscription = try connection.subscribe(inbox) { [mailbox] message in mailbox.put(message) }
    }

    deinit {
        subscription?.unsubscribe()
    }

    /// Up to `limit` messages, waiting at most `timeout` for the first; none when the wait
    /// ran out. Blocks the calling thread: call it from one thread, of its own.
    ///
    /// - Throws: `NATSError` when the request cannot be sent (a closed connection).
    public func fetch(limit: Int, timeout: Duration) throws(NATSError) -> [JetStreamMessage] {
        var taken = take(limit: limit)
        if !taken.isEmpty { return taken }
        if requestActive, ContinuousClock.now >= requestDeadline {
            // Expired on the server too: ask again (what it sent as it expired is kept for later).
            requestActive = false
        }
        if !requestActive {
            let body = #"{"batch":\#(limit),"expires":\#(timeout.nanoseconds)}"#
            try connection.publish(Data(body.utf8), to: requestSubject, replyTo: inbox)
            requestActive = true
            requestOutstanding = limit
            requestDeadline = ContinuousClock.now + timeout
        }
        let until = DispatchTime.now() + .milliseconds(Int(timeout.milliseconds))
        while taken.isEmpty, requestActive, mailbox.signal.wait(timeout: until) == .success {
            taken = take(limit: limit)
        }
        return taken
    }

    /// What arrived, as messages (up to `limit`); status messages end the request.
    private func take(limit: Int) -> [JetStreamMessage] {
        var messages: [JetStreamMessage] = []
        mailbox.queue.withLock { arrived in
            while messages.count < limit, let message = arrived.popFirst() {
                if let status = message.headers["Status"], message.body.isEmpty {
                    // 100: a heartbeat; 404, 408, 409: the request ended with fewer messages.
                    if status != "100" { requestActive = false }
                    continue
                }
                requestOutstanding -= 1
                if requestOutstanding <= 0 { requestActive = false }
                messages.append(JetStreamMessage(message, connection: connection))
            }
        }
        return messages
    }

    /// Stops reading, and gives back at once what arrived and was not taken, so another
    /// reader has it without waiting out the ack wait; the consumer stays on the server.
    public func stop() {
        subscription?.unsubscribe()
        let untaken = mailbox.queue.withLock { arrived in
            defer { arrived.removeAll() }
            return arrived.filter { $0.headers["Status"] == nil || !$0.body.isEmpty }
        }
        for message in untaken { JetStreamMessage(message, connection: connection).giveBack() }
    }
}

/// Where the client's thread leaves what arrived on the inbox, for the reading thread.
private final class Mailbox: Sendable {
    let queue = Mutex(Deque<NATSMessage>())
    let signal = DispatchSemaphore(value: 0)

    func put(_ message: NATSMessage) {
        queue.withLock { $0.append(message) }
        signal.signal()
    }
}

/// A message delivered by a durable consumer, to acknowledge once handled.
public final class JetStreamMessage: Sendable {
    /// The message.
    public let message: NATSMessage
    /// How many times the consumer has delivered it (1 the first time), read from its
    /// acknowledgement subject when asked.
    public var deliveries: Int { message.reply.map(Self.deliveries(inAcknowledgementSubject:)) ?? 1 }
    private let connection: NATSConnection
    private let answered = Atomic<Bool>(false)

    init(_ message: NATSMessage, connection: NATSConnection) {
        self.message = message
        self.connection = connection
    }

    /// The delivery count in a JetStream acknowledgement subject:
    /// `$JS.ACK.<stream>.<consumer>.<delivered>.…` (9 tokens), or with a domain and account
    /// hash before the stream (12 tokens or more).
    static func deliveries(inAcknowledgementSubject subject: String) -> Int {
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        let index = tokens.count >= 12 ? 6 : 4
        return tokens.count > index ? Int(tokens[index]) ?? 1 : 1
    }

    /// Tells the server the message was handled; it is not delivered again. Once per message.
    public func acknowledge() {
        answer("+ACK")
    }

    /// Tells the server this reader will not handle the message: it goes to another reader now
    /// rather than after the consumer's acknowledgement wait. Once per message.
    public func giveBack() {
        answer("-NAK")
    }

    private func answer(_ word: String) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing), let reply = message.reply else { return }
        // A lost answer is not lost work: the message is delivered again after the ack wait.
        try? connection.publish(Data(word.utf8), to: reply)
    }
}
