import CNATSClient
import Foundation
import ManifoldBenchKit

/// The baseline of the NATS benchmarks: the official C client alone doing what the transport
/// does for a hop, with the same guarantees — JetStream publishes with the same headers and
/// payload into a file-stored stream, in batches of the same size, each sent asynchronously and
/// then waited for until the server stored all of it (a transport publish returns once what it
/// carries is stored); a durable pull consumer fetching in batches and acknowledging each
/// message — with no hub, no envelope, no Swift concurrency.
public final class BareJetStream: @unchecked Sendable {
    private let connection: OpaquePointer
    private let context: OpaquePointer
    private let stream = "BARE_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")

    /// Connects to `url`.
    public init(url: String) throws {
        var connection: OpaquePointer?
        try check(natsConnection_ConnectTo(&connection, url), "connect to \(url)")
        self.connection = connection!
        var options = jsOptions()
        jsOptions_Init(&options)
        options.PublishAsync.MaxPending = 4096
        var context: OpaquePointer?
        try check(natsConnection_JetStream(&context, connection, &options), "JetStream context")
        self.context = context!
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        var errorCode = jsErrCode(0)
        let subjects = "\(stream).>"
        try stream.withCString { name in
            try subjects.withCString { subject in
                var list: [UnsafePointer<CChar>?] = [subject]
                try list.withUnsafeMutableBufferPointer { buffer in
                    config.Name = name
                    config.Subjects = buffer.baseAddress
                    config.SubjectsLen = 1
                    config.Storage = js_FileStorage
                    config.Duplicates = 120_000_000_000
                    try check(js_AddStream(nil, self.context, &config, nil, &errorCode), "add stream")
                }
            }
        }
    }

    deinit {
        var errorCode = jsErrCode(0)
        js_DeleteStream(context, stream, nil, &errorCode)
        jsCtx_Destroy(context)
        natsConnection_Destroy(connection)
    }

    /// A pull consumer of `subject`, fetching up to `batch` at a time.
    private func consumer(_ name: String, subject: String, batch: Int) throws -> PullSubscription {
        var config = jsConsumerConfig()
        jsConsumerConfig_Init(&config)
        var errorCode = jsErrCode(0)
        let full = "\(stream).\(subject)"
        try name.withCString { durable in
            try full.withCString { filter in
                config.Durable = durable
                config.FilterSubject = filter
                config.AckPolicy = js_AckExplicit
                config.DeliverPolicy = js_DeliverAll
                config.MaxAckPending = Int64(batch * 4)
                try check(js_AddConsumer(nil, context, stream, &config, nil, &errorCode), "add consumer")
            }
        }
        var options = jsSubOptions()
        jsSubOptions_Init(&options)
        var subscription: OpaquePointer?
        try stream.withCString { streamName in
            try name.withCString { consumerName in
                options.Stream = streamName
                options.Consumer = consumerName
                try check(js_PullSubscribe(&subscription, context, full, name, nil, &options, &errorCode), "pull subscribe")
            }
        }
        return PullSubscription(pointer: subscription!)
    }

    /// Publishes `payload` with `headers` (id headers from `ids`) on `subject`, asynchronously.
    private func publish(_ payload: Data, id: String, type: String, origin: String?, on subject: String) throws {
        var msg: OpaquePointer?
        try payload.withUnsafeBytes { bytes in
            try check(
                natsMsg_Create(&msg, "\(stream).\(subject)", nil, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count)),
                "create message")
        }
        natsMsgHeader_Set(msg, "Manifold-Id", id)
        natsMsgHeader_Set(msg, "Nats-Msg-Id", id)
        natsMsgHeader_Set(msg, "Manifold-Type", type)
        natsMsgHeader_Set(msg, "Manifold-Created-At", String(Int64(Date().timeIntervalSince1970 * 1e9)))
        if let origin { natsMsgHeader_Set(msg, "Manifold-Origin", origin) }
        try check(js_PublishMsgAsync(context, &msg, nil), "publish")
    }

    /// Publishes one message per id, `batch` at a time, each batch stored before the next.
    private func publishInBatches(_ ids: [String], of batch: Int, payload: Data, on subject: String) throws {
        for start in stride(from: 0, to: ids.count, by: batch) {
            for id in ids[start..<min(start + batch, ids.count)] { try publish(payload, id: id, type: "text/plain", origin: nil, on: subject) }
            try waitForStored()
        }
    }

    /// Waits until the server stored everything published so far.
    private func waitForStored() throws {
        try check(js_PublishAsyncComplete(context, nil), "wait for stored")
    }

    /// Fetches from `subscription` until `count` messages were read; `body` sees each message
    /// of a fetch, then `finished` runs for the fetch, then each is acknowledged.
    private func read(
        _ subscription: PullSubscription, count: Int, batch: Int, each body: (OpaquePointer) throws -> Void = { _ in },
        finished: () throws -> Void = {}
    ) throws {
        var read = 0
        var errorCode = jsErrCode(0)
        while read < count {
            var list = natsMsgList()
            let status = natsSubscription_Fetch(&list, subscription.pointer, Int32(min(batch, count - read)), 1000, &errorCode)
            if status == NATS_TIMEOUT { continue }
            try check(status, "fetch")
            defer { natsMsgList_Destroy(&list) }
            for index in 0..<Int(list.Count) {
                let msg = list.Msgs[index]!
                _ = natsMsg_GetDataLength(msg)
                try body(msg)
            }
            try finished()
            for index in 0..<Int(list.Count) { natsMsg_Ack(list.Msgs[index], nil) }
            read += Int(list.Count)
        }
    }

    /// 1 → 1: `ids.count` messages of `payload` published on one subject and read by one
    /// consumer; the time from the first publish to the last acknowledgement sent.
    public func oneToOne(ids: [String], payload: Data, batch: Int = 256) throws -> Measured {
        let subscription = try consumer("reader", subject: "t", batch: batch)
        defer { natsSubscription_Destroy(subscription.pointer) }
        let start = ContinuousClock.now
        let reader = BenchThread { try self.read(subscription, count: ids.count, batch: batch) }
        try publishInBatches(ids, of: batch, payload: payload, on: "t")
        try reader.join()
        return Measured(elapsed: ContinuousClock.now - start, items: ids.count)
    }

    /// Through one relay: published on `a`; a relay fetches from `a`, publishes each payload
    /// on `b` as a new message, waits until the server stored them, then acknowledges its
    /// inputs (what a node does); a reader takes `b`.
    public func throughOneNode(ids: [String], payload: Data, batch: Int = 256) throws -> Measured {
        let inputs = try consumer("relay", subject: "a", batch: batch)
        let outputs = try consumer("reader", subject: "b", batch: batch)
        defer {
            natsSubscription_Destroy(inputs.pointer)
            natsSubscription_Destroy(outputs.pointer)
        }
        let outputIDs = ids.map { "out-" + $0 }
        let start = ContinuousClock.now
        let relay = BenchThread {
            var relayed = 0
            try self.read(
                inputs, count: ids.count, batch: batch,
                each: { msg in
                    let length = Int(natsMsg_GetDataLength(msg))
                    let body = Data(bytes: natsMsg_GetData(msg)!, count: length)
                    try self.publish(body, id: outputIDs[relayed], type: "text/plain", origin: "relay", on: "b")
                    relayed += 1
                },
                finished: { try self.waitForStored() })
        }
        let reader = BenchThread { try self.read(outputs, count: ids.count, batch: batch) }
        try publishInBatches(ids, of: batch, payload: payload, on: "a")
        try relay.join()
        try reader.join()
        return Measured(elapsed: ContinuousClock.now - start, items: ids.count)
    }
}

/// A pull subscription of the C client, used by one thread at a time.
struct PullSubscription: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// A `natsStatus` other than OK as an error naming the step.
private func check(_ status: natsStatus, _ step: String) throws {
    guard status == NATS_OK else {
        throw BenchError.missing("bare NATS client: \(step): \(String(cString: natsStatus_GetText(status)))")
    }
}

/// A thread running `body`, whose error `join` rethrows.
final class BenchThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var failure: (any Error)?

    init(_ body: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do { try body() } catch { failure = error }
            done.signal()
        }
        thread.start()
    }

    func join() throws {
        done.wait()
        if let failure { throw failure }
    }
}
