import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `GET /metrics` on an address, answered with a run's metrics in Prometheus' text format;
/// every other path is 404. It serves from its own event-loop thread, so a scrape is answered
/// even while plugins hold every thread of the concurrency pool.
public final class MetricsEndpoint: Sendable {
    /// The path scraped.
    public static let path = "/metrics"

    /// The address bound (with the port chosen when 0 was asked for).
    public let host: String
    public let port: Int

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    /// Binds `host:port` and serves `metrics` until `close()`.
    ///
    /// - Throws: the bind error (address in use, not an address of this machine).
    public init(host: String, port: Int, metrics: RunMetrics) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(ScrapeHandler(metrics: metrics))
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        self.group = group
        self.host = host
        self.port = channel.localAddress?.port ?? port
    }

    /// `http://HOST:PORT/metrics`.
    public var url: String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(Self.path)"
    }

    /// Stops serving.
    public func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// Answers each request on one connection, on the event loop: the exposition is built there,
/// without waiting on anything of the run.
private final class ScrapeHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: RunMetrics

    init(metrics: RunMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let (status, type, body): (HTTPResponseStatus, String, [UInt8]) =
            switch (head.method, path) {
            case (.GET, MetricsEndpoint.path): (.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.exposition())
            case (_, MetricsEndpoint.path): (.methodNotAllowed, "text/plain; charset=utf-8", Array("use GET\n".utf8))
            default: (.notFound, "text/plain; charset=utf-8", Array("not found: the metrics are at \(MetricsEndpoint.path)\n".utf8))
            }
        var headers = HTTPHeaders([("Content-Type", type), ("Content-Length", String(body.count))])
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let keepAlive = head.isKeepAlive, channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
