import Foundation
import MCP
import NIOCore
import NIOHTTP1
import NIOPosix

/// MCP's Streamable HTTP transport on an address: `POST /mcp` carries JSON-RPC messages (a
/// call's answer comes back as a server-sent event stream), `GET /mcp` opens the stream of
/// server notifications, `DELETE /mcp` ends a session.
///
/// HTTP/1.1 from SwiftNIO; the MCP side — sessions, validation, streams — is the SDK's
/// `StatefulHTTPServerTransport`, one per session.
public final class MCPHTTPServer: Sendable {
    /// The path of the MCP endpoint.
    public static let endpointPath = "/mcp"
    /// The largest request body taken; a longer one is answered 413.
    public static let maximumBodyBytes = 16 << 20

    /// The address bound (with the port chosen when 0 was asked for).
    public let host: String
    public let port: Int

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    private let group: MultiThreadedEventLoopGroup
    private let listener: NIOAsyncChannel<Connection, Never>
    private let sessions: MCPSessions

    /// Binds `host:port`; the server answers once `run()` is called.
    ///
    /// - Parameter makeServer: makes the MCP server of a new session.
    /// - Throws: the bind error (address in use, not an address of this machine).
    public init(host: String, port: Int, makeServer: @escaping @Sendable () async -> Server) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        self.group = group
        self.host = host
        self.port = listener.channel.localAddress?.port ?? port
        // Browsers' pages may not reach it (DNS rebinding): only requests naming this address
        // as their host, from no page or a page of this address, are taken.
        let authority = host.contains(":") ? "[\(host)]:\(self.port)" : "\(host):\(self.port)"
        let origins = OriginValidator(
            allowedHosts: OriginValidator.localhost(port: self.port).allowedHosts + [authority],
            allowedOrigins: OriginValidator.localhost(port: self.port).allowedOrigins + ["http://\(authority)"])
        sessions = MCPSessions(
            validation: StandardValidationPipeline(validators: [
                origins, AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator(),
            ]),
            idleLimit: .seconds(3600), makeServer: makeServer)
    }

    /// `http://HOST:PORT/mcp`.
    public var url: String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(Self.endpointPath)"
    }

    /// Serves until the task is cancelled or `close()`; then ends every session.
    public func run() async {
        _ = try? await withThrowingDiscardingTaskGroup { tasks in
            try await listener.executeThenClose { connections in
                for try await connection in connections {
                    tasks.addTask { await self.serve(connection) }
                }
            }
        }
        await sessions.closeAll()
    }

    /// Stops listening and releases the event loop; connections open end with it.
    public func close() async {
        try? await listener.channel.close()
        try? await group.shutdownGracefully()
    }

    private func serve(_ connection: Connection) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            var tooLarge = false
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body.clear()
                    tooLarge = false
                case .body(var chunk):
                    if body.readableBytes + chunk.readableBytes > Self.maximumBodyBytes {
                        tooLarge = true
                    } else {
                        body.writeBuffer(&chunk)
                    }
                case .end:
                    guard let head else { return }
                    let response: HTTPResponse
                    if tooLarge {
                        response = .error(statusCode: 413, .invalidRequest("Payload Too Large: a message may be at most \(Self.maximumBodyBytes >> 20) MiB"))
                    } else if head.uri.split(separator: "?").first.map(String.init) != Self.endpointPath {
                        response = .error(statusCode: 404, .invalidRequest("Not Found: the MCP endpoint is \(Self.endpointPath)"))
                    } else {
                        response = await sessions.handle(Self.request(head, body))
                    }
                    try await Self.write(response, keepAlive: head.isKeepAlive && !tooLarge, to: outbound, closed: connection.channel.closeFuture)
                    guard head.isKeepAlive && !tooLarge else { return }
                }
            }
        }
    }

    private static func request(_ head: HTTPRequestHead, _ body: ByteBuffer) -> MCP.HTTPRequest {
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            // Repeated headers joined as HTTP allows; the SDK reads one value per name.
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let bytes = body.readableBytes > 0 ? Data(body.readableBytesView) : nil
        return MCP.HTTPRequest(method: head.method.rawValue, headers: headers, body: bytes, path: head.uri)
    }

    private static func write(
        _ response: HTTPResponse, keepAlive: Bool, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        closed: EventLoopFuture<Void>
    ) async throws {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.statusCode)
        if case .stream(let events, _) = response {
            headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
            // A stream may stay quiet for long (the notification stream): a client that goes
            // away meanwhile ends it at once, not at the next event.
            try await withThrowingTaskGroup(of: Void.self) { streaming in
                streaming.addTask {
                    for try await event in events {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: event))))
                    }
                    try await outbound.write(.end(nil))
                }
                streaming.addTask {
                    try await closed.get()
                    throw ChannelError.ioOnClosedChannel
                }
                try await streaming.next()
                streaming.cancelAll()
            }
            return
        }
        let body = response.bodyData ?? Data()
        headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))
    }
}
