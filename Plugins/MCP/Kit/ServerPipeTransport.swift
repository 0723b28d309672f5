import Foundation
import Logging
import MCP

/// The MCP stdio transport seen from the client: messages to the server go to its standard
/// input, one per line; lines of its standard output are the messages from it.
///
/// The bytes themselves are moved by `ServerProcess`; this type only hands messages across.
/// Its incoming stream always ends with an error — the reason the server went away — because
/// the SDK's client reads a stream that ends without one as "read again".
actor ServerPipeTransport: Transport {
    nonisolated let logger: Logger
    private let incoming: AsyncThrowingStream<Data, any Error>
    private let incomingContinuation: AsyncThrowingStream<Data, any Error>.Continuation
    /// The lines for the server's standard input, each with its newline.
    nonisolated let outgoing: AsyncStream<Data>
    private let outgoingContinuation: AsyncStream<Data>.Continuation
    private var closed = false

    init(server: String) {
        logger = Logger(label: "manifold.mcp.\(server)", factory: { _ in SwiftLogNoOpLogHandler() })
        (incoming, incomingContinuation) = AsyncThrowingStream.makeStream()
        (outgoing, outgoingContinuation) = AsyncStream.makeStream()
    }

    func connect() async throws {}

    /// Ends both directions: the server reads end-of-file, the client reads `ServerGone`.
    func disconnect() async {
        close(because: ServerGone(reason: ServerGone.clientDisconnected))
    }

    func send(_ data: Data) async throws {
        guard !closed else { throw MCPError.connectionClosed }
        var line = data
        line.append(UInt8(ascii: "\n"))
        outgoingContinuation.yield(line)
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        incoming
    }

    /// A message read from the server.
    nonisolated func deliver(_ message: Data) {
        incomingContinuation.yield(message)
    }

    /// Ends the conversation with `reason`: pending reads end with it and sends are refused.
    func close(because reason: ServerGone) {
        guard !closed else { return }
        closed = true
        outgoingContinuation.finish()
        incomingContinuation.finish(throwing: reason)
    }
}

/// Why a server's conversation ended.
struct ServerGone: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }

    /// The reason when the client ended the conversation itself.
    static let clientDisconnected = "the client disconnected"
}
