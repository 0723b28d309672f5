import Foundation
import Logging
import MCP
import ManifoldJSON
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// MCP over a pair of file descriptors, one JSON-RPC message per line: what a client that
/// starts `manifold serve --mcp` speaks on its standard input and output.
///
/// Written here rather than taken from the SDK because the SDK's stdio transport switches both
/// descriptors to non-blocking mode — which also changes them for every other process sharing
/// them, such as the client's terminal — and polls them every 10 ms while idle. This one reads
/// on a thread of its own, blocking, and writes on a serial queue, so an idle server costs
/// nothing and a client slow to read holds back no thread of the concurrency pool.
public actor StdioLineTransport: Transport {
    /// A line longer than this is refused (and skipped), not buffered without end.
    public static let maximumMessageBytes = 64 << 20

    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let writes = DispatchQueue(label: "manifold.serve.stdio-writes")
    private let refused: @Sendable (String) -> Void
    private var connected = false
    /// Requests read and not yet answered (nor cancelled by the client), and who waits for none.
    private let unanswered = UnansweredRequests()

    /// A transport reading `input` and writing `output`; `refused` hears each line skipped
    /// for being longer than `maximumMessageBytes`.
    public init(input: Int32, output: Int32, logger: Logger, refused: @escaping @Sendable (String) -> Void) {
        self.input = input
        self.output = output
        self.logger = logger
        self.refused = refused
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !connected else { return }
        connected = true
        let input = self.input, continuation = self.continuation, refused = self.refused, unanswered = self.unanswered
        let reader = Thread {
            Self.readLines(from: input, refused: refused) { message in
                unanswered.read(message)
                continuation.yield(message)
            }
            continuation.finish()
        }
        reader.name = "manifold.serve.stdio-reader"
        reader.start()
    }

    public func disconnect() async {
        connected = false
        continuation.finish()
    }

    /// Returns once every request read so far has been answered or cancelled: a client that
    /// writes its calls and closes its end at once still gets their answers.
    public func waitUntilAnswered() async {
        await unanswered.waitUntilNone()
    }

    public func send(_ data: Data) async throws {
        defer { unanswered.sent(data) }
        guard connected else { throw MCPError.connectionClosed }
        var bytes = data
        bytes.append(UInt8(ascii: "\n"))
        let line = bytes, output = self.output
        let failure: Int32? = await withCheckedContinuation { done in
            writes.async { done.resume(returning: Self.writeAll(line, to: output)) }
        }
        if let failure { throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)) }
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    /// Writes every byte; the `errno` of a failed write (a closed pipe: `EPIPE`), else `nil`.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Int32? {
        data.withUnsafeBytes { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }

    /// Reads until end of file, yielding each non-empty line without its newline.
    private static func readLines(from descriptor: Int32, refused: @Sendable (String) -> Void, yield: (Data) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var pending: [UInt8] = []
        var skippingLongLine = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            var start = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                if !skippingLongLine {
                    pending.append(contentsOf: buffer[start..<index])
                    if !pending.isEmpty { yield(Data(pending)) }
                }
                pending.removeAll(keepingCapacity: true)
                skippingLongLine = false
                start = index + 1
            }
            guard !skippingLongLine else { continue }
            pending.append(contentsOf: buffer[start..<count])
            if pending.count > maximumMessageBytes {
                refused("serve: skipped a message longer than \(maximumMessageBytes >> 20) MiB on standard input")
                pending = []
                skippingLongLine = true
            }
        }
        if !pending.isEmpty && !skippingLongLine { yield(Data(pending)) }
    }
}

/// The ids of requests read and not answered yet. A request is a message with a `method` and
/// an `id`; an answer is a message with an `id` and no `method`; `notifications/cancelled`
/// withdraws its `requestId` (MCP answers no cancelled request).
private final class UnansweredRequests: Sendable {
    private let state = Mutex((ids: Set<String>(), waiters: [CheckedContinuation<Void, Never>]()))

    func read(_ message: Data) {
        guard let object = (try? JSONValue(parsing: message))?.objectValue else { return }
        if object["method"] == .string("notifications/cancelled") {
            if let id = object["params"]?["requestId"] { settle(id.jsonText) }
        } else if object["method"] != nil, let id = object["id"] {
            state.withLock { _ = $0.ids.insert(id.jsonText) }
        }
    }

    func sent(_ message: Data) {
        guard let object = (try? JSONValue(parsing: message))?.objectValue, object["method"] == nil, let id = object["id"] else { return }
        settle(id.jsonText)
    }

    func waitUntilNone() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.ids.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func settle(_ id: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.ids.remove(id)
            guard state.ids.isEmpty else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
