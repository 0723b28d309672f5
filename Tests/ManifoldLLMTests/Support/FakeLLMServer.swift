import Foundation
import ManifoldLLM
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as the fake server received it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]
    /// When the request's end arrived.
    var receivedAt: ContinuousClock.Instant

    /// The body parsed as JSON (`nil` when it is not JSON).
    var json: JSONValue? { try? JSONValue(parsing: Data(body)) }

    /// A header by case-insensitive name.
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// An HTTP/1.1 server on 127.0.0.1 (a free port) that plays scripted LLM responses in order
/// and records what it was sent and when connections closed.
///
/// Each test starts its own, so tests can run in parallel; `stop()` ends it.
final class FakeLLMServer: Sendable {
    private struct State {
        var queue: [FakeResponse] = []
        var requests: [RecordedRequest] = []
        var connectionsOpened = 0
        var connectionsClosed = 0
        var task: Task<Void, Never>?
    }

    private let group: MultiThreadedEventLoopGroup
    private let state = Mutex(State())
    private let serverChannel: any Channel
    /// The bound port.
    let port: Int

    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Starts a server that will answer with `responses`, one per request, in order.
    static func start(_ responses: [FakeResponse] = []) async throws -> FakeLLMServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let server = FakeLLMServer(group: group, listener: listener.channel)
        server.enqueue(responses)
        let task = Task<Void, Never> {
            _ = try? await withThrowingDiscardingTaskGroup { tasks in
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        tasks.addTask { await server.serve(connection) }
                    }
                }
            }
        }
        server.state.withLock { $0.task = task }
        return server
    }

    private init(group: MultiThreadedEventLoopGroup, listener: any Channel) {
        self.group = group
        self.serverChannel = listener
        self.port = listener.localAddress?.port ?? 0
    }

    /// Adds responses to play after the queued ones.
    func enqueue(_ responses: [FakeResponse]) {
        state.withLock { $0.queue += responses }
    }

    /// The requests received so far.
    var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Connections accepted so far.
    var connectionsOpened: Int { state.withLock { $0.connectionsOpened } }

    /// Connections closed so far, by either side.
    var connectionsClosed: Int { state.withLock { $0.connectionsClosed } }

    /// Waits until `count` connections have closed; false on timeout.
    func waitForClosedConnections(_ count: Int, timeoutSeconds: Double) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        while ContinuousClock.now < deadline {
            if connectionsClosed >= count { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return connectionsClosed >= count
    }

    /// Stops listening, ends every connection and the event loop.
    func stop() async {
        let task = state.withLock { $0.task }
        task?.cancel()
        try? await serverChannel.close()
        await task?.value
        try? await group.shutdownGracefully()
    }

    private func serve(_ connection: Connection) async {
        state.withLock { $0.connectionsOpened += 1 }
        connection.channel.closeFuture.whenComplete { _ in
            self.state.withLock { $0.connectionsClosed += 1 }
        }
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                case .body(let buffer):
                    body += buffer.readableBytesView
                case .end:
                    guard let head else { return }
                    let response = record(head, body)
                    guard try await send(response, keepAlive: head.isKeepAlive, to: outbound) else { return }
                }
            }
        }
    }

    /// Records a request and takes the next scripted response (a 500 naming the problem when
    /// the script ran out, so a test with too few responses fails clearly).
    private func record(_ head: HTTPRequestHead, _ body: [UInt8]) -> FakeResponse {
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let request = RecordedRequest(
            method: head.method.rawValue, path: head.uri, headers: headers, body: body, receivedAt: .now)
        return state.withLock { state in
            state.requests.append(request)
            if state.queue.isEmpty {
                return .json(status: .internalServerError, #"{"error": {"message": "fake server: no response scripted"}}"#)
            }
            return state.queue.removeFirst()
        }
    }

    /// Sends a response; returns whether the connection may serve another request.
    private func send(
        _ response: FakeResponse, keepAlive: Bool, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        var headers = HTTPHeaders(response.headers)
        if response.fixedLength {
            headers.replaceOrAdd(name: "Content-Length", value: String(response.pieces.reduce(0) { $0 + $1.bytes.count }))
        } else {
            headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)))
        for piece in response.pieces {
            if piece.delayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(piece.delayMilliseconds)) }
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: piece.bytes))))
        }
        switch response.ending {
        case .complete:
            try await outbound.write(.end(nil))
            return keepAlive
        case .abort:
            return false
        case .hang(let seconds):
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return false
        case .endless(let piece, let milliseconds):
            // A write to a connection the client closed throws, which ends the loop. Writes
            // rarely wait (the client reads fast), so each one is preceded by a real sleep:
            // a loop that never suspends would hold a thread of the concurrency pool, which
            // has two on a two-core machine, and stall the client under test.
            let bytes = ByteBuffer(string: piece)
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(max(1, milliseconds)))
                try await outbound.write(.body(.byteBuffer(bytes)))
            }
            return false
        }
    }
}
