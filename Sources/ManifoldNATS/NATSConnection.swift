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
    private let connection: OpaquePointer

    /// Connects to `server`, naming the connection `name` (shown by the server's monitoring).
    ///
    /// - Throws: `NATSError` when the server cannot be reached or refuses the connection.
    public init(server: NATSServerURL, name: String, timeout: Duration = .seconds(2)) throws(NATSError) {
        self.server = server
        var options: OpaquePointer?
        guard natsOptions_Create(&options) == NATS_OK, let options else {
            throw NATSError(server: server.redacted, problem: "could not be configured (out of memory?)", fix: "try again")
        }
        defer { natsOptions_Destroy(options) }
        natsOptions_SetURL(options, server.text)
        natsOptions_SetName(options, name)
        natsOptions_SetNoEcho(options, true)
        natsOptions_SetTimeout(options, Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        var made: OpaquePointer?
        let status = natsConnection_Connect(&made, options)
        guard status == NATS_OK, let made else {
            throw NATSError(
                server: server.redacted, problem: "cannot be reached: \(Self.reason(status, server: server))",
                fix: "start it (nats-server -js) or correct the URL (--hub, or hub.transport in the graph)")
        }
        connection = made
    }

    deinit {
        close()
        natsConnection_Destroy(connection)
    }

    /// Publishes a message (buffered by the client; `flush` waits until the server has it).
    ///
    /// - Throws: `NATSError` when the connection is closed or the message is refused.
    public func publish(_ message: NATSMessage) throws(NATSError) {
        var made: OpaquePointer?
        let created = message.body.withUnsafeBytes { body in
            natsMsg_Create(&made, message.subject, nil, body.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(body.count))
        }
        guard created == NATS_OK, let msg = made else { throw failure("refused a message on \(message.subject)", created) }
        defer { natsMsg_Destroy(msg) }
        for (name, value) in message.headers {
            let status = natsMsgHeader_Set(msg, name, value)
            guard status == NATS_OK else { throw failure("refused header \(name) of a message on \(message.subject)", status) }
        }
        let status = natsConnection_PublishMsg(connection, msg)
        guard status == NATS_OK else { throw failure("did not take a message on \(message.subject)", status) }
    }

    /// Waits until the server has everything published so far.
    public func flush(timeout: Duration = .seconds(5)) throws(NATSError) {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
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
        return NATSSubscription(pointer: made, handler: box)
    }

    /// Closes the connection; later publishes fail. Idempotent.
    public func close() {
        natsConnection_Close(connection)
    }

    private func failure(_ problem: String, _ status: natsStatus) -> NATSError {
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

    init(pointer: OpaquePointer, handler: Handler) {
        self.pointer = pointer
        self.handler = handler
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
        Unmanaged.passUnretained(handler).release()
    }
}

/// The C client's message callback: reads the message into a `NATSMessage` and hands it on.
private let natsMessageArrived: natsMsgHandler = { _, _, msg, closure in
    guard let msg, let closure else { return }
    defer { natsMsg_Destroy(msg) }
    let handler = Unmanaged<NATSSubscription.Handler>.fromOpaque(closure).takeUnretainedValue()
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
    handler.body(NATSMessage(subject: subject, headers: headers, body: body))
}
