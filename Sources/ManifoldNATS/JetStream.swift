import CNATS
import Foundation
import Synchronization

/// JetStream on a `NATSConnection`: streams that keep a run's messages on the server, durable
/// consumers that hand each message to one reader until it is acknowledged, and publishing
/// that returns once the server has stored what was published.
public final class JetStream: @unchecked Sendable {
    /// The connection.
    public let connection: NATSConnection
    let context: OpaquePointer
    private let acknowledgements: PublishAcknowledgements

    /// JetStream on `connection`; `timeout` bounds each request to the server.
    ///
    /// - Throws: `NATSError` when the client cannot make the context.
    public init(connection: NATSConnection, timeout: Duration = .seconds(5)) throws(NATSError) {
        self.connection = connection
        let acknowledgements = PublishAcknowledgements()
        self.acknowledgements = acknowledgements
        var options = jsOptions()
        jsOptions_Init(&options)
        options.Wait = timeout.milliseconds
        options.PublishAsync.MaxPending = 4096
        options.PublishAsync.StallWait = timeout.milliseconds
        options.PublishAsync.AckHandler = publishAcknowledged
        // Retained for good (one small object per context): the client may call back with an
        // answer after this object is gone, since its context lives while messages are pending.
        options.PublishAsync.AckHandlerClosure = Unmanaged.passRetained(acknowledgements).toOpaque()
        var made: OpaquePointer?
        let status = natsConnection_JetStream(&made, connection.connection, &options)
        guard status == NATS_OK, let made else { throw connection.failure("has no JetStream context", status) }
        context = made
    }

    deinit {
        jsCtx_Destroy(context)
    }

    // MARK: Streams

    /// Makes the stream `name` keeping messages on `subjects` in files, unless it exists with
    /// the same subjects.
    ///
    /// - Parameters:
    ///   - duplicateWindow: how long a message id is remembered: a message published again
    ///     with the same `Nats-Msg-Id` within it is stored once.
    ///   - maxAge: how long a message is kept at most (so an abandoned run's stream empties).
    /// - Throws: `NATSError` when the server has no JetStream, or a stream of that name keeps
    ///   other subjects.
    public func addStream(name: String, subjects: [String], duplicateWindow: Duration, maxAge: Duration) throws(NATSError) {
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        var errorCode = jsErrCode(0)
        var info: UnsafeMutablePointer<jsStreamInfo>?
        let status: natsStatus = name.withCString { cName in
            withCStrings(subjects) { cSubjects in
                config.Name = cName
                config.Subjects = cSubjects.baseAddress
                config.SubjectsLen = Int32(cSubjects.count)
                config.Storage = js_FileStorage
                config.Retention = js_LimitsPolicy
                config.Duplicates = duplicateWindow.nanoseconds
                config.MaxAge = maxAge.nanoseconds
                return js_AddStream(&info, context, &config, nil, &errorCode)
            }
        }
        if let info { jsStreamInfo_Destroy(info) }
        if status == NATS_OK { return }
        if errorCode == JSStreamNameExistErr, let existing = try? streamSubjects(name), existing == subjects { return }
        throw connection.failure(
            errorCode == JSStreamNameExistErr
                ? "has a stream \(name) for other subjects than \(subjects.joined(separator: ", "))"
                : "did not make the stream \(name) (is JetStream on? start the server with -js)", status)
    }

    /// The subjects the stream `name` keeps.
    func streamSubjects(_ name: String) throws(NATSError) -> [String] {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var errorCode = jsErrCode(0)
        let status = js_GetStreamInfo(&info, context, name, nil, &errorCode)
        guard status == NATS_OK, let info else { throw connection.failure("has no stream \(name)", status) }
        defer { jsStreamInfo_Destroy(info) }
        guard let config = info.pointee.Config else { return [] }
        return (0..<Int(config.pointee.SubjectsLen)).compactMap { index in
            config.pointee.Subjects[index].map { String(cString: $0) }
        }
    }

    /// The last sequence number the stream `name` gave a message (0 before the first).
    public func lastSequence(ofStream name: String) throws(NATSError) -> UInt64 {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var errorCode = jsErrCode(0)
        let status = js_GetStreamInfo(&info, context, name, nil, &errorCode)
        guard status == NATS_OK, let info else { throw connection.failure("has no stream \(name)", status) }
        defer { jsStreamInfo_Destroy(info) }
        return info.pointee.State.LastSeq
    }

    /// The message the stream `name` keeps under `sequence`; `nil` when it keeps none there
    /// (it aged out, or the stream is gone).
    ///
    /// - Throws: `NATSError` when the server does not answer.
    public func message(inStream name: String, sequence: UInt64) throws(NATSError) -> NATSMessage? {
        var msg: OpaquePointer?
        var errorCode = jsErrCode(0)
        let status = js_GetMsg(&msg, context, name, sequence, nil, &errorCode)
        if status == NATS_NOT_FOUND || errorCode == JSNoMessageFoundErr || errorCode == JSStreamNotFoundErr { return nil }
        guard status == NATS_OK, let msg else { throw connection.failure("did not give message \(sequence) of the stream \(name)", status) }
        defer { natsMsg_Destroy(msg) }
        return NATSMessage(reading: msg)
    }

    /// Deletes the stream `name` and its consumers; a stream that does not exist is no error.
    public func deleteStream(_ name: String) throws(NATSError) {
        var errorCode = jsErrCode(0)
        let status = js_DeleteStream(context, name, nil, &errorCode)
        guard status == NATS_OK || status == NATS_NOT_FOUND || errorCode == JSStreamNotFoundErr else {
            throw connection.failure("did not delete the stream \(name)", status)
        }
    }

    /// The names and subjects of every stream on the server.
    public func streams() throws(NATSError) -> [(name: String, subjects: [String])] {
        var list: UnsafeMutablePointer<jsStreamInfoList>?
        var errorCode = jsErrCode(0)
        let status = js_Streams(&list, context, nil, &errorCode)
        if status == NATS_NOT_FOUND { return [] }
        guard status == NATS_OK, let list else { throw connection.failure("did not list its streams", status) }
        defer { jsStreamInfoList_Destroy(list) }
        var streams: [(name: String, subjects: [String])] = []
        for index in 0..<Int(list.pointee.Count) {
            guard let info = list.pointee.List[index], let config = info.pointee.Config, let name = config.pointee.Name else { continue }
            let subjects = (0..<Int(config.pointee.SubjectsLen)).compactMap { config.pointee.Subjects[$0].map { String(cString: $0) } }
            streams.append((String(cString: name), subjects))
        }
        return streams
    }

    // MARK: Consumers

    /// Makes the durable consumer `consumer.name` on the stream `stream`, unless it exists.
    ///
    /// - Throws: `NATSError` when the stream does not exist or the server refuses the settings.
    public func addConsumer(_ consumer: JetStreamConsumer, stream: String) throws(NATSError) {
        var config = jsConsumerConfig()
        jsConsumerConfig_Init(&config)
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var errorCode = jsErrCode(0)
        let status: natsStatus = consumer.name.withCString { name in
            consumer.subject.withCString { subject in
                config.Durable = name
                config.FilterSubject = subject
                config.AckPolicy = js_AckExplicit
                config.DeliverPolicy = js_DeliverAll
                config.AckWait = consumer.ackWait.nanoseconds
                config.MaxDeliver = Int64(consumer.maxDeliver)
                config.MaxAckPending = Int64(consumer.maxAckPending)
                return js_AddConsumer(&info, context, stream, &config, nil, &errorCode)
            }
        }
        if let info { jsConsumerInfo_Destroy(info) }
        guard status == NATS_OK else {
            throw connection.failure("did not make the consumer \(consumer.name) of \(consumer.subject) on the stream \(stream)", status)
        }
    }

    /// What the consumer `name` of `stream` has not finished: messages not yet delivered, and
    /// messages delivered and not yet acknowledged.
    public func consumerBacklog(_ name: String, stream: String) throws(NATSError) -> (undelivered: UInt64, unacknowledged: Int64) {
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var errorCode = jsErrCode(0)
        let status = js_GetConsumerInfo(&info, context, stream, name, nil, &errorCode)
        guard status == NATS_OK, let info else { throw connection.failure("has no consumer \(name) on the stream \(stream)", status) }
        defer { jsConsumerInfo_Destroy(info) }
        return (info.pointee.NumPending, info.pointee.NumAckPending)
    }

    /// Reads the existing durable consumer `consumer` of `stream`.
    public func pull(consumer: String, stream: String) throws(NATSError) -> JetStreamPull {
        try JetStreamPull(connection: connection, stream: stream, consumer: consumer)
    }

    // MARK: Publishing

    /// Publishes `messages` and returns once the server has stored each (or recognised it as
    /// a duplicate by its `Nats-Msg-Id`).
    ///
    /// A message the server has not answered within `answerWait` is sent again — its answer may
    /// have been lost with a server that restarted; its id makes a second copy harmless — until
    /// `timeout` has passed.
    ///
    /// - Throws: `NATSError` for the first message the server refused (no stream for its
    ///   subject, a stream that is full), or when messages stay unanswered past `timeout`, or
    ///   the connection is closed.
    public func publish(
        _ messages: [NATSMessage], answerWait: Duration = .seconds(5), timeout: Duration = .seconds(60)
    ) async throws(NATSError) {
        guard !messages.isEmpty else { return }
        let batch = PublishAcknowledgements.Batch(count: messages.count)
        let started = ContinuousClock.now
        var unanswered = Array(messages.indices)
        var deferralPause = Duration.milliseconds(50)
        while true {
            for index in unanswered {
                let msg = try connection.cMessage(messages[index])
                acknowledgements.expect(msg, in: batch, at: index)
                var owned: OpaquePointer? = msg
                let status = js_PublishMsgAsync(context, &owned, nil)
                if status != NATS_OK {
                    acknowledgements.forget(msg)
                    natsMsg_Destroy(owned)
                    // Too many unanswered messages, or a connection being restored: the next round sends it again.
                    if status == NATS_CONNECTION_CLOSED { throw connection.failure("is closed", status) }
                }
            }
            let complete = await batch.wait(timeout: answerWait)
            if let refusal = batch.refusal {
                throw connection.failure("did not store a message on \(refusal.subject): \(refusal.reason)", NATS_ERR)
            }
            if complete { return }
            unanswered = batch.unanswered
            let deferral = batch.takeDeferrals()
            guard ContinuousClock.now - started < timeout else {
                throw connection.failure(
                    "did not confirm \(unanswered.count) of \(messages.count) message(s) within \(timeout) (sent again every \(answerWait))"
                        + (deferral.map { "; last answer: \($0.reason)" } ?? ""),
                    NATS_TIMEOUT)
            }
            if deferral != nil {
                // Turned away for now (a server still recovering): a growing pause, then again.
                try? await Task.sleep(for: deferralPause)
                deferralPause = min(deferralPause * 2, .seconds(1))
            }
            reclaimUnanswered()
        }
    }

    /// Takes back from the client every message still waiting for an answer: answers lost
    /// with a server that restarted would otherwise hold their places forever. Each batch
    /// waiting for one of them sends it again when its wait runs out.
    private func reclaimUnanswered() {
        var pending = natsMsgList()
        guard js_PublishAsyncGetPendingList(&pending, context) == NATS_OK else { return }
        for index in 0..<Int(pending.Count) {
            guard let msg = pending.Msgs[index] else { continue }
            acknowledgements.forget(msg)
        }
        natsMsgList_Destroy(&pending)
    }
}

/// A durable consumer's settings.
public struct JetStreamConsumer: Sendable, Hashable {
    /// Its durable name (letters, digits, `-` and `_`).
    public var name: String
    /// The subject it takes messages from (wildcards allowed).
    public var subject: String
    /// How long a reader has to acknowledge a message before it is delivered again.
    public var ackWait: Duration
    /// How many times a message is delivered at most.
    public var maxDeliver: Int
    /// How many messages may be delivered and not yet acknowledged, over every reader.
    public var maxAckPending: Int

    /// A consumer's settings.
    public init(name: String, subject: String, ackWait: Duration, maxDeliver: Int, maxAckPending: Int) {
        self.name = name
        self.subject = subject
        self.ackWait = ackWait
        self.maxDeliver = maxDeliver
        self.maxAckPending = maxAckPending
    }
}

/// Calls `body` with C strings of `strings`, valid during the call.
private func withCStrings<Result>(_ strings: [String], _ body: (UnsafeMutableBufferPointer<UnsafePointer<CChar>?>) -> Result) -> Result {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    var pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeMutableBufferPointer { body($0) }
}

extension Duration {
    /// Whole milliseconds, as the C client takes them.
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, as JetStream's settings take them.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
