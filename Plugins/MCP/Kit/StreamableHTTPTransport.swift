import AsyncHTTPClient
import Foundation
import Logging
import MCP
import ManifoldJSON
import ManifoldLLM
import NIOCore
import NIOHTTP1

/// The MCP Streamable HTTP transport seen from the client, on AsyncHTTPClient.
///
/// Every message is POSTed to the endpoint. The server answers a request with one JSON
/// message or with a stream of Server-Sent Events that ends with the answer (and may carry
/// notifications and requests before it), and a notification or response with 202. It may
/// give a session id in its answer to `initialize`, which every later message then carries
/// (`Mcp-Session-Id`), as it carries the negotiated `MCP-Protocol-Version`. After the
/// handshake, a GET opens the stream on which the server sends what belongs to no request
/// (`notifications/tools/list_changed`); a server without one answers 405.
///
/// The SDK's own HTTP client transport does not read event streams on Linux, hence this one.
/// Its incoming stream always ends with an error — the reason the conversation ended —
/// because the SDK's client reads a stream that ends without one as "read again".
actor StreamableHTTPTransport: Transport {
    nonisolated let logger: Logger
    private let endpoint: String
    private let headers: [String: String]
    private let client: HTTPClient
    private let ended: @Sendable (String) -> Void
    private let incoming: AsyncThrowingStream<Data, any Error>
    private let incomingContinuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var sessionID: String?
    private var protocolVersion: String?
    private var readers: [Int: Task<Void, Never>] = [:]
    private var nextReader = 0
    private var listening = false
    private var closedReason: String?

    /// The longest message read, in bytes; a longer one ends the conversation.
    static let maximumMessageBytes = ServerProcess.maximumMessageBytes
    /// How much of an error answer's body a message quotes.
    static let quotedErrorBytes = 300

    /// A transport to `endpoint`, sending `headers` with every request.
    ///
    /// - Parameters:
    ///   - connectTimeoutSeconds: how long a connection may take to open.
    ///   - ended: called once when the conversation ends other than by `disconnect` (the
    ///     server cannot be reached, or it ended the session), with the reason.
    init(
        server: String, endpoint: String, headers: [String: String], connectTimeoutSeconds: Double,
        ended: @escaping @Sendable (String) -> Void
    ) {
        logger = Logger(label: "manifold.mcp.\(server)", factory: { _ in SwiftLogNoOpLogHandler() })
        self.endpoint = endpoint
        self.headers = headers
        self.ended = ended
        (incoming, incomingContinuation) = AsyncThrowingStream.makeStream()
        client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(
                // A redirected POST would turn into a GET without the body: report it instead.
                redirectConfiguration: .disallow,
                // No read timeout: an event stream may stay quiet as long as a tool runs; each
                // call has its own time limit.
                // AsyncHTTPClient retries a refused connection until this ends: well within the
                // start's time limit, so an endpoint that is down is reported as such.
                timeout: HTTPClient.Configuration.Timeout(connect: .milliseconds(Int64(min(10, connectTimeoutSeconds / 2) * 1000)))))
    }

    deinit {
        client.shutdown { _ in }
    }

    func connect() async throws {}

    /// Ends the conversation: the event streams are closed and the session is deleted.
    func disconnect() async {
        let session = sessionID
        guard close(because: ServerGone.clientDisconnected, notify: false) else { return }
        guard let session else { return }
        // Telling the server is a courtesy: it forgets idle sessions anyway.
        var request = request(method: .DELETE)
        request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: session)
        _ = try? await client.execute(request, timeout: .seconds(2))
    }

    func send(_ data: Data) async throws {
        if let closedReason { throw ServerGone(reason: closedReason) }
        var request = request(method: .POST)
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.headers.replaceOrAdd(name: "Accept", value: "application/json, text/event-stream")
        request.body = .bytes(ByteBuffer(bytes: data))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .hours(24))
        } catch {
            // As a server process that exited: the conversation is over, and starts again.
            let reason = "it could not be reached at \(endpoint): \(error)"
            close(because: reason)
            throw ServerGone(reason: reason)
        }
        if sessionID == nil, let session = response.headers.first(name: "Mcp-Session-Id") { sessionID = session }
        guard (200..<300).contains(response.status.code) else {
            let body = (try? await response.body.collect(upTo: Self.quotedErrorBytes * 4)).map { String(buffer: $0) } ?? ""
            if response.status == .notFound, request.headers.contains(name: "Mcp-Session-Id") {
                let reason = "it ended the session (HTTP 404)"
                close(because: reason)
                throw ServerGone(reason: reason)
            }
            throw ServerGone(reason: "it answered HTTP \(response.status.code)" + (body.isEmpty ? "" : ": " + String(body.prefix(Self.quotedErrorBytes))))
        }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        if contentType.hasPrefix("text/event-stream") {
            // The answer comes on the stream: read it in a task, as the server writes it.
            read(events: response.body)
        } else if contentType.hasPrefix("application/json") {
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: Self.maximumMessageBytes)
            } catch {
                let reason = "its answer could not be read: \(error)"
                close(because: reason)
                throw ServerGone(reason: reason)
            }
            deliver(Data(body.readableBytesView))
        } else {
            // 202 Accepted, for a notification or a response: nothing to read.
            for try await _ in response.body {}
        }
        if !listening, sessionID != nil, Self.isInitializedNotification(data) {
            listening = true
            listenForServerMessages()
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        incoming
    }

    // MARK: Streams

    private func request(method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint)
        request.method = method
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let sessionID { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
        return request
    }

    /// Opens the stream of messages that belong to no request; a server without one says 405.
    private func listenForServerMessages() {
        var request = request(method: .GET)
        request.headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
        let client = client
        let id = nextReader
        nextReader += 1
        readers[id] = Task {
            do {
                let response = try await client.execute(request, timeout: .hours(24 * 365))
                guard response.status == .ok else {
                    for try await _ in response.body {}
                    return
                }
                await self.readEvents(response.body, reader: id)
            } catch {
                self.readerEnded(id)
            }
        }
    }

    private func read(events body: HTTPClientResponse.Body) {
        let id = nextReader
        nextReader += 1
        readers[id] = Task { await self.readEvents(body, reader: id) }
    }

    private func readEvents(_ body: HTTPClientResponse.Body, reader: Int) async {
        var parser = SSEParser(maxLineBytes: Self.maximumMessageBytes, maxEventBytes: Self.maximumMessageBytes)
        do {
            for try await chunk in body {
                for event in try parser.feed(chunk.readableBytesView) where event.event == "message" && !event.data.isEmpty {
                    deliver(Data(event.data.utf8))
                }
            }
        } catch is CancellationError {
        } catch {
            if closedReason == nil { close(because: "its event stream broke: \(error)") }
        }
        readerEnded(reader)
    }

    private func readerEnded(_ reader: Int) {
        readers.removeValue(forKey: reader)
    }

    /// A message from the server; the answer to `initialize` sets the protocol version.
    private func deliver(_ message: Data) {
        if protocolVersion == nil, let value = try? JSONValue(parsing: message),
            let version = value["result"]?["protocolVersion"]?.stringValue
        {
            protocolVersion = version
        }
        incomingContinuation.yield(message)
    }

    /// Ends the conversation with `reason`; false when it had ended already.
    @discardableResult
    private func close(because reason: String, notify: Bool = true) -> Bool {
        guard closedReason == nil else { return false }
        closedReason = reason
        for reader in readers.values { reader.cancel() }
        readers = [:]
        incomingContinuation.finish(throwing: ServerGone(reason: reason))
        if notify { ended(reason) }
        return true
    }

    /// How the conversation ended, once it has.
    var outcome: String? { closedReason }

    private static func isInitializedNotification(_ data: Data) -> Bool {
        (try? JSONValue(parsing: data))?["method"]?.stringValue == "notifications/initialized"
    }
}
