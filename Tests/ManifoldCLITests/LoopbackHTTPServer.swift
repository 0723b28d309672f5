import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 (a free port) for the `manifold` binary to talk to,
/// standing in for a model provider: it answers each request with what `respond` returns,
/// records the requests, and notes when each connection was closed by the client.
///
/// It speaks the real wire protocol (chunked streaming bodies, `Content-Length` error bodies)
/// with plain sockets, so this test target keeps depending on nothing but the binary. Every
/// socket is served on a thread of its own, never on the concurrency pool.
final class LoopbackHTTPServer: Sendable {
    /// A request as received.
    struct Request: Sendable {
        /// The request line, e.g. `POST /v1/chat/completions HTTP/1.1`.
        let line: String
        /// Header names lowercased.
        let headers: [String: String]
        let body: String
    }

    /// What to send back.
    struct Response: Sendable {
        /// How the response ends after its body.
        enum Ending: Sendable {
            /// The body is complete (chunked bodies get their last chunk); the connection is closed.
            case complete
            /// Nothing more is sent; the connection stays open until the client closes it.
            case hang
        }

        var status = "200 OK"
        var contentType = "text/event-stream"
        /// Written one after the other, each flushed on its own (chunked unless `fixedLength`).
        var pieces: [String] = []
        var ending = Ending.complete
        /// The body goes out with `Content-Length` in one piece, as error bodies do.
        var fixedLength = false

        /// A complete JSON body with `status`.
        static func json(_ status: String, _ body: String) -> Response {
            Response(status: status, contentType: "application/json", pieces: [body], fixedLength: true)
        }
    }

    private struct State {
        var requests: [Request] = []
        /// When each connection that sent a request was closed by the client, in order.
        var closedAt: [ContinuousClock.Instant] = []
        var requestAt: [ContinuousClock.Instant] = []
        var connections: Set<Int32> = []
        var stopped = false
    }

    private let listener: Int32
    private let state = Mutex(State())
    private let respond: @Sendable (Request) -> Response
    /// The bound port.
    let port: Int

    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening; `respond` is called once per request, on the connection's thread.
    init(respond: @escaping @Sendable (Request) -> Response) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServerError(message: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw ServerError(message: "bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        self.respond = respond
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loopback-http.accept"
        thread.start()
    }

    /// The requests received so far.
    var requests: [Request] { state.withLock { $0.requests } }

    /// When the requests arrived and when the client closed each connection that carried one.
    var timeline: (requests: [ContinuousClock.Instant], closes: [ContinuousClock.Instant]) {
        state.withLock { ($0.requestAt, $0.closedAt) }
    }

    /// Waits until `count` requests arrived; false after `seconds`.
    func waitForRequests(_ count: Int, seconds: Double) async -> Bool {
        await waitUntil(seconds: seconds) { $0.requests.count >= count }
    }

    /// Waits until the client closed `count` connections; false after `seconds`.
    func waitForClosedConnections(_ count: Int, seconds: Double) async -> Bool {
        await waitUntil(seconds: seconds) { $0.closedAt.count >= count }
    }

    /// Stops listening and ends every open connection.
    func stop() {
        let open = state.withLock { state -> Set<Int32> in
            state.stopped = true
            return state.connections
        }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        for connection in open { Glibc.shutdown(connection, Int32(SHUT_RDWR)) }
    }

    private func waitUntil(seconds: Double, _ condition: (State) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if state.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return state.withLock { condition($0) }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections.insert(connection)
                return true
            }
            guard accepted else {
                close(connection)
                break
            }
            let thread = Thread { [self] in serve(connection) }
            thread.name = "loopback-http.connection"
            thread.start()
        }
        close(listener)
    }

    private func serve(_ connection: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        guard let request = readRequest(connection) else { return }
        state.withLock { state in
            state.requests.append(request)
            state.requestAt.append(.now)
        }
        let response = respond(request)
        var head = "HTTP/1.1 \(response.status)\r\nContent-Type: \(response.contentType)\r\nConnection: close\r\n"
        if response.fixedLength {
            head += "Content-Length: \(response.pieces.joined().utf8.count)\r\n\r\n" + response.pieces.joined()
            guard send(head, to: connection) else { return }
        } else {
            head += "Transfer-Encoding: chunked\r\n\r\n"
            guard send(head, to: connection) else { return }
            for piece in response.pieces where !piece.isEmpty {
                guard send(String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n", to: connection) else { return }
            }
        }
        switch response.ending {
        case .complete:
            if !response.fixedLength { _ = send("0\r\n\r\n", to: connection) }
        case .hang:
            // Blocks until the client closes the connection (or `stop()` shuts it down).
            var byte: UInt8 = 0
            while recv(connection, &byte, 1, 0) > 0 {}
            let stopped = state.withLock { $0.stopped }
            if !stopped { state.withLock { $0.closedAt.append(.now) } }
        }
    }

    /// The head and the `Content-Length` body of one request.
    private func readRequest(_ connection: Int32) -> Request? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        func readMore() -> Bool {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            bytes += buffer[0..<count]
            return true
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            guard readMore() else { return nil }
            if bytes.count >= 4 {
                headEnd = (0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == separator }
            }
        }
        let headText = String(decoding: bytes[0..<headEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst()
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let bodyStart = headEnd! + 4
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while bytes.count - bodyStart < length {
            guard readMore() else { return nil }
        }
        return Request(line: requestLine, headers: headers, body: String(decoding: bytes[bodyStart..<(bodyStart + length)], as: UTF8.self))
    }

    private func send(_ text: String, to connection: Int32) -> Bool {
        var bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    struct ServerError: Error, CustomStringConvertible {
        let message: String
        var description: String { "loopback HTTP server: \(message)" }
    }
}
