import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Sends finished spans to an OTLP/HTTP receiver (`…/v1/traces`), in batches, from a task of
/// its own: a span costs its producer an append to a bounded queue, never a network wait.
///
/// A batch goes when 256 spans are waiting or every half second; `finish()` sends what is
/// left. A receiver that refuses or cannot be reached loses that batch (counted, and reported
/// once on standard error as it happens); spans beyond `queueLimit` waiting are dropped and
/// counted, so a stalled receiver costs bounded memory.
final class OTLPExporter: Sendable {
    static let batchSize = 256
    static let queueLimit = 20_000
    static let interval: Duration = .milliseconds(500)

    /// What was sent and lost, for the end of the run.
    struct Tally: Sendable, Equatable {
        var exported = 0
        var dropped = 0
        /// The first reason a batch was lost.
        var firstFailure: String?
    }

    let endpoint: String
    private let queue: SpanQueue
    private let post: OTLPPost
    private let wake: AsyncStream<Void>.Continuation
    private let sender: Task<Void, Never>

    /// An exporter posting to `endpoint` (the full `…/v1/traces` URL); `warn` hears the first
    /// failure to export.
    init(endpoint: String, service: String, version: String, warn: @escaping @Sendable (String) -> Void) {
        self.endpoint = endpoint
        let queue = SpanQueue()
        let post = OTLPPost(endpoint: endpoint, service: service, version: version)
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.queue = queue
        self.post = post
        self.wake = wake
        sender = Task { await Self.sendLoop(wakes, wake: wake, queue: queue, post: post, warn: warn) }
    }

    /// Queues a span.
    func export(_ span: FinishedSpan) {
        if queue.append(span) { wake.yield() }
    }

    /// Sends what is queued, stops, and says what was sent and lost.
    func finish() async -> Tally {
        wake.finish()
        await sender.value
        await post.close()
        return queue.tally
    }

    private static func sendLoop(
        _ wakes: AsyncStream<Void>, wake: AsyncStream<Void>.Continuation, queue: SpanQueue, post: OTLPPost, warn: @Sendable (String) -> Void
    ) async {
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                wake.yield()
            }
        }
        for await _ in wakes { await sendQueued(queue: queue, post: post, warn: warn) }
        ticker.cancel()
        await sendQueued(queue: queue, post: post, warn: warn)
    }

    private static func sendQueued(queue: SpanQueue, post: OTLPPost, warn: @Sendable (String) -> Void) async {
        while true {
            let batch = queue.takeBatch()
            guard !batch.isEmpty else { return }
            if let firstFailure = queue.record(batch.count, failure: await post.send(batch)) {
                warn("warning: traces: \(firstFailure); spans that cannot be sent are dropped and counted")
            }
        }
    }
}

/// The spans waiting, and the tally of those sent and lost.
private final class SpanQueue: Sendable {
    private let state = Mutex((spans: [FinishedSpan](), tally: OTLPExporter.Tally()))

    /// Queues a span unless the queue is full; whether a batch is ready.
    func append(_ span: FinishedSpan) -> Bool {
        state.withLock { state in
            guard state.spans.count < OTLPExporter.queueLimit else {
                state.tally.dropped += 1
                return false
            }
            state.spans.append(span)
            return state.spans.count >= OTLPExporter.batchSize
        }
    }

    func takeBatch() -> [FinishedSpan] {
        state.withLock { state in
            let batch = Array(state.spans.prefix(OTLPExporter.batchSize))
            state.spans.removeFirst(batch.count)
            return batch
        }
    }

    /// Counts a batch sent (`failure` nil) or lost; the failure, when it is the first.
    func record(_ count: Int, failure: String?) -> String? {
        state.withLock { state in
            guard let failure else {
                state.tally.exported += count
                return nil
            }
            state.tally.dropped += count
            guard state.tally.firstFailure == nil else { return nil }
            state.tally.firstFailure = failure
            return failure
        }
    }

    var tally: OTLPExporter.Tally { state.withLock { $0.tally } }
}

/// Posts batches to the receiver.
private struct OTLPPost: Sendable {
    let endpoint: String
    let service: String
    let version: String
    let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: HTTPClient.Configuration.Timeout(connect: .seconds(2), read: .seconds(10))))

    /// Posts one batch; the reason it was not taken, or `nil`.
    func send(_ batch: [FinishedSpan]) async -> String? {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: OTLPTraceEncoding.request(batch, service: service, version: version)))
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            // The body is read (and dropped) so the connection can be reused.
            _ = try? await response.body.collect(upTo: 1 << 20)
            guard (200..<300).contains(Int(response.status.code)) else {
                return "the OTLP receiver at \(endpoint) answered \(response.status.code) \(response.status.reasonPhrase)"
            }
            return nil
        } catch {
            return "cannot send spans to \(endpoint): \(error)"
        }
    }

    func close() async {
        try? await client.shutdown()
    }
}
