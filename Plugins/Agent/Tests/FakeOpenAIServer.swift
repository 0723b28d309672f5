import Foundation
import ManifoldJSON
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny OpenAI-compatible HTTP server on 127.0.0.1 (a free port): it answers each request
/// with the next queued response and records the request bodies.
final class FakeOpenAIServer: Sendable {
    /// One canned response.
    struct Response: Sendable {
        var status: HTTPResponseStatus = .ok
        var contentType = "text/event-stream"
        var body: String

        /// An SSE body of `data:` events, ending with `data: [DONE]`.
        static func sse(_ chunks: [JSONValue]) -> Response {
            Response(body: chunks.map { "data: \($0.jsonText)\n\n" }.joined() + "data: [DONE]\n\n")
        }
    }

    private struct State {
        var queue: [Response]
        var bodies: [JSONValue] = []
    }

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let box: StateBox

    /// `http://127.0.0.1:PORT/v1`.
    let baseURL: String

    /// Starts a server answering with `responses` in order.
    static func start(_ responses: [Response]) async throws -> FakeOpenAIServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = StateBox(queue: responses)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeOpenAIServer(group: group, channel: channel, box: box)
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, box: StateBox) {
        self.group = group
        self.channel = channel
        self.box = box
        baseURL = "http://127.0.0.1:\(channel.localAddress?.port ?? 0)/v1"
    }

    /// The JSON bodies received so far.
    var requestBodies: [JSONValue] { box.bodies }

    /// Stops the server.
    func stop() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    /// The shared state, reachable from the handlers.
    final class StateBox: Sendable {
        private let state: Mutex<State>

        fileprivate init(queue: [Response]) {
            state = Mutex(State(queue: queue))
        }

        var bodies: [JSONValue] { state.withLock { $0.bodies } }

        func answer(body: [UInt8]) -> Response {
            state.withLock { state in
                state.bodies.append((try? JSONValue(parsing: Data(body))) ?? .null)
                guard !state.queue.isEmpty else {
                    return Response(status: .internalServerError, contentType: "application/json", body: #"{"error":{"message":"no response queued"}}"#)
                }
                return state.queue.removeFirst()
            }
        }
    }

    /// Reads one request, answers it.
    private final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let box: StateBox
        var body: [UInt8] = []

        init(box: StateBox) {
            self.box = box
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                body = []
            case .body(let buffer):
                body += buffer.readableBytesView
            case .end:
                let response = box.answer(body: body)
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: response.contentType)
                headers.add(name: "content-length", value: "\(response.body.utf8.count)")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
