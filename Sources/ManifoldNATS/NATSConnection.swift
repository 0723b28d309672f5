import CNATS
import Foundation
import Synchronization

/// A connection to a NATS server through the official C client (`libnats`), which is
/// thread-safe: publishing from any thread, messages handed to each subscription's handler on
/// a thread of the client's own, in order.
///
/// The connection does not receive what it publishes itself (`no_echo`): a hub delivers its
/// own publications to its local subscriptions directly.
public final class NATSConnection: @unchecked Sendable {
    /// The server.
    public let server: NATSServerURL
    /// The C client's connection (`natsConnection *`).
    let connection: OpaquePointer

    /// Connects to `server`, naming the connection `name` (shown by the server's monitoring).
    ///
    /// - Parameter attempts: how many times connecting is tried, a growing pause apart
    ///   (0.25 s, 0.5 s, 1 s, …), before the server is reported unreachable; once connected,
    ///   the client reconnects on its own after losing the server.
    ///   - security: credentials and TLS settings (`NATS_CREDS`, `NATS_CA`, …) — the
    ///     process's environment's by default.
    /// - Throws: `NATSError` when the server cannot be reached or refuses the connection, or
    ///   `security` is incomplete or names a file that cannot be read.
    public init(
        server: NATSServerURL, name: String, timeout: Duration = .seconds(2), attempts: Int = 1,
        security: NATSSecurity = NATSSecurity()
    ) throws(NATSError) {
        self.server = server
        var options: OpaquePointer?
        guard natsOptions_Create(&options) == NATS_OK, let options else {
            throw NATSError(server: server.redacted, problem: "could not be configured (out of memory?)", fix: "try again")
        }
        defer { natsOptions_Destroy(options) }
        natsOptions_SetURL(options, server.text)
        natsOptions_SetName(options, name)
        natsOptions_SetNoEcho(options, true)
        natsOptions_SetTimeout(options, timeout.milliseconds)
        // A broker restarting takes seconds: keep trying for a minute before giving up.
        natsOptions_SetMaxReconnect(options, 120)
        natsOptions_SetReconnectWait(options, 500)
        try security.apply(to: options, server: server)
        var status = NATS_OK
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 { Thread.sleep(forTimeInterval: 0.25 * Double(1 << min(attempt - 1, 4))) }
            var made: OpaquePointer?
            status = natsConnection_Connect(&made, options)
            if status == NATS_OK, let made {
                connection = made
                return
            }
        }
        throw NATSError(
            server: server.redacted,
            problem: "cannot be reached\(attempts > 1 ? " (tried \(attempts) times)" : ""): \(Self.reason(status, server: server))",
            fix: Self.refusedAccess(status)
                ? "give the credentials it expects: NATS_CREDS, NATS_USER and NATS_PASSWORD, or NATS_TOKEN (docs/nats.md)"
                : "start it (nats-server -js) or correct the URL (--hub, or hub.transport in the graph)")
    }

    /// Whether the server answered, but refused who this client said it was.
    private static func refusedAccess(_ status: natsStatus) -> Bool {
        status == NATS_NOT_PERMITTED || status == NATS_CONNECTION_AUTH_FAILED
    }

    deinit {
        close()
        natsConnection_Destroy(connection)
    }

    /// Publishes a message (buffered by the client; `flush` waits until the server has it).
    ///
    /// - Throws: `NATSError` when the connection is closed or the message is refused.
    public func publish(_ message: NATSMessage) throws(NATSError) {
        let msg = try cMessage(message)
        defer { natsMsg_Destroy(msg) }
        let status = natsConnection_PublishMsg(connection, msg)
        guard status == NATS_OK else { throw failure("did not take a message on \(message.subject)", status) }
    }

    /// Publishes `body` on `subject`, asking for answers on `replyTo` (no headers: requests
    /// and acknowledgements of the JetStream protocol).
    ///
    /// - Throws: `NATSError` when the connection is closed.
    public func publish(_ body: Data, to subject: String, replyTo: String? = nil) throws(NATSError) {
        let status = body.withUnsafeBytes { bytes in
            if let replyTo {
                natsConnection_PublishRequest(connection, subject, replyTo, bytes.baseAddress, Int32(bytes.count))
            } else {
                natsConnection_Publish(connection, subject, bytes.baseAddress, Int32(bytes.count))
            }
        }
        guard status == NATS_OK else { throw failure("did not take a message on \(subject)", status) }
    }

    /// A new subject nobody else listens to, for answers to this connection.
    public func newInbox() -> String {
        var inbox: UnsafeMutablePointer<natsInbox>?
        guard natsInbox_Create(&inbox) == NATS_OK, let inbox else { return "_INBOX.\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))" }
        defer { natsInbox_Destroy(inbox) }
        return String(cString: UnsafeRawPointer(inbox).assumingMemoryBound(to: CChar.self))
    }

    /// `message` as the C client's message (the caller destroys it, or hands it to the client).
    func cMessage(_ message: NATSMessage) throws(NATSError) -> OpaquePointer {
        var made: OpaquePointer?
        let created = message.body.withUnsafeBytes { body in
            natsMsg_Create(&made, message.subject, nil, body.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(body.count))
        }
        guard created == NATS_OK, let msg = made else { throw failure("refused a message on \(message.subject)", created) }
        for (name, value) in message.headers {
            let status = natsMsgHeader_Set(msg, name, value)
            guard status == NATS_OK else {
                natsMsg_Destroy(msg)
                throw failure("refused header \(name) of a message on \(message.subject)", status)
            }
        }
        return msg
    }

    /// Waits until the server has everything published so far.
    public func flush(timeout: Duration = .seconds(5)) throws(NATSError) {
        let milliseconds = timeout.milliseconds
        let status = natsConnection_FlushTimeout(connection, milliseconds)
        guard status == NATS_OK else { throw failure("did not confirm what was published within \(milliseconds) ms", status) }
    }

    /// Subscribes to `subject` (wildcards `*` and `>` allowed); `handler` gets each message,
    /// in order, on a thread of the client's, until the returned subscription is unsubscribed
    /// or released.
    public func subscribe(_ subject: String, handler: @escaping @Sendable (NATSMessage) -> Void) throws(NATSError) -> NATSSubscription {
        let box = NATSSubscription.Handler(handler)
        var made: OpaquePointer?
        let status = natsConnection_Subscribe(&made, connection, subject, natsMessageArrived, Unmanaged.passRetained(box).toOpaque())
        guard status == NATS_OK, let made else {
            Unmanaged.passUnretained(box).release()
            throw failure("refused a subscription to \(subject)", status)
        }
        // The handler is released once the client has made its last call of it: a message
        // being handed over on the client's thread while the subscription ends (a burst of
        // status messages as a run's stream is deleted) must not find it freed.
        let releasesOnCompletion = natsSubscription_SetOnCompleteCB(made, natsSubscriptionCompleted, Unmanaged.passUnretained(box).toOpaque()) == NATS_OK
        return NATSSubscription(pointer: made, handler: box, releasesHandlerOnCompletion: releasesOnCompletion)
    }

    /// Closes the connection; later publishes fail. Idempotent.
    public func close() {
        natsConnection_Close(connection)
    }

    func failure(_ problem: String, _ status: natsStatus) -> NATSError {
        NATSError(server: server.redacted, problem: "\(problem): \(Self.reason(status, server: server))", fix: "check the server's log, and that it is the one the graph expects")
    }

    /// The client's text for `status`, with the credentials of `server` kept out of it.
    static func reason(_ status: natsStatus, server: NATSServerURL) -> String {
        var last = status
        let detail = nats_GetLastError(&last).map { String(cString: $0) } ?? ""
        let text = detail.isEmpty ? String(cString: natsStatus_GetText(status)) : detail
        return text.replacingOccurrences(of: server.text, with: server.redacted)
    }
}

/// One subscription of a `NATSConnection`.
public final class NATSSubscription: @unchecked Sendable {
    final class Handler: @unchecked Sendable {
        let body: @Sendable (NATSMessage) -> Void
        init(_ body: @escaping @Sendable (NATSMessage) -> Void) { self.body = body }
    }

    private let pointer: OpaquePointer
    private let handler: Handler
    private let ended = Atomic<Bool>(false)
    /// Whether the client releases the handler itself once it is done with it.
    private let releasesHandlerOnCompletion: Bool

    init(pointer: OpaquePointer, handler: Handler, releasesHandlerOnCompletion: Bool) {
        self.pointer = pointer
        self.handler = handler
        self.releasesHandlerOnCompletion = releasesHandlerOnCompletion
    }

    /// Messages the client dropped because the handler did not keep up (its pending limits).
    public var droppedCount: Int64 {
        var dropped: Int64 = 0
        natsSubscription_GetDropped(pointer, &dropped)
        return dropped
    }

    /// Stops the subscription; no handler call starts after it returns. Idempotent.
    public func unsubscribe() {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        natsSubscription_Unsubscribe(pointer)
    }

    deinit {
        unsubscribe()
        natsSubscription_Destroy(pointer)
        if !releasesHandlerOnCompletion { Unmanaged.passUnretained(handler).release() }
    }
}

/// The C client's end of a subscription, after its last handler call: releases the handler.
private let natsSubscriptionCompleted: natsOnCompleteCB = { closure in
    guard let closure else { return }
    Unmanaged<NATSSubscription.Handler>.fromOpaque(closure).release()
}

/// The C client's message callback: reads the message into a `NATSMessage` and hands it on.
private let natsMessageArrived: natsMsgHandler = { _, _, msg, closure in
    guard let msg, let closure else { return }
    defer { natsMsg_Destroy(msg) }
    let handler = Unmanaged<NATSSubscription.Handler>.fromOpaque(closure).takeUnretainedValue()
    handler.body(NATSMessage(reading: msg))
}

extension NATSMessage {
    /// The subject, headers and body of the C client's message `msg` (which stays the caller's).
    init(reading msg: OpaquePointer) {
        let subject = natsMsg_GetSubject(msg).map { String(cString: $0) } ?? ""
        let length = Int(natsMsg_GetDataLength(msg))
        let body = natsMsg_GetData(msg).map { Data(bytes: $0, count: length) } ?? Data()
        var headers: [String: String] = [:]
        var keys: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        var count: Int32 = 0
        if natsMsgHeader_Keys(msg, &keys, &count) == NATS_OK, let keys {
            for index in 0..<Int(count) {
                guard let key = keys[index] else { continue }
                var value: UnsafePointer<CChar>?
                if natsMsgHeader_Get(msg, key, &value) == NATS_OK, let value {
                    headers[String(cString: key)] = String(cString: value)
                }
            }
            free(keys)
        }
        self.init(subject: subject, headers: headers, body: body, reply: natsMsg_GetReply(msg).map { String(cString: $0) })
    }
}
