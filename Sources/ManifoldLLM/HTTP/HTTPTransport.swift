import AsyncHTTPClient
import NIOCore

/// Owns the HTTP client of one provider, configured with its timeouts.
///
/// Each provider has its own client because AsyncHTTPClient's connect and read (idle)
/// timeouts are client-wide. The client is shut down when the last provider value holding it
/// goes away; streams in flight hold it too, so they finish first.
final class HTTPTransport: Sendable {
    let client: HTTPClient

    init(connectTimeoutSeconds: Double, readTimeoutSeconds: Double) {
        let configuration = HTTPClient.Configuration(
            // A redirected POST would turn into a GET without the body: report it instead.
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(
                connect: .milliseconds(Int64(connectTimeoutSeconds * 1000)),
                read: .milliseconds(Int64(readTimeoutSeconds * 1000))
            ),
            // Compressed bodies would be buffered by the decompressor; stream them raw.
            decompression: .disabled
        )
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    deinit {
        // Shutting down is asynchronous; the client keeps itself alive until it is done.
        client.shutdown { _ in }
    }
}
