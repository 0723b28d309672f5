import Foundation
import Manifold
import ManifoldWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One end of a connected stream socket carrying `ManifoldWire` frames.
///
/// Frames are written whole under a lock (so two publishers never interleave their bytes)
/// with `MSG_NOSIGNAL`, so a peer that went away is an error here, not a `SIGPIPE` that kills
/// the process. A dedicated thread reads: it must never wait on a hub, so the handler it
/// calls only decodes and dispatches. That thread, not the Swift concurrency pool, is what
/// blocks in `read(2)`.
package final class LinkSocket: Sendable {
    private let descriptor: Int32
    private let writeLock = Mutex<Bool>(false)  // true once the socket is shut down
    private let encoder = WireEncoder()

    /// Whether the reading thread was started; it closes the descriptor when it ends.
    private let reading = Atomic<Bool>(false)

    /// Takes ownership of a connected stream socket.
    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        // A socket whose transport was never attached has no reading thread to close it.
        if !reading.load(ordering: .acquiring) { close(descriptor) }
    }

    /// A connected pair of Unix stream sockets, for two hubs in one process (tests) or a
    /// parent and a child after `fork`.
    package static func pair() throws(LinkError) -> (LinkSocket, LinkSocket) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw .closed(reason: "socketpair failed: \(String(cString: strerror(errno)))")
        }
        return (LinkSocket(descriptor: ends[0]), LinkSocket(descriptor: ends[1]))
    }

    /// Writes frames back to back, atomically with respect to other writers.
    package func send(_ frames: [WireFrame]) throws(LinkError) {
        var bytes: [UInt8] = []
        do {
            // Each frame is written straight into the one buffer: a payload is copied once.
            if frames.count == 1 {
                bytes = try encoder.encode(frames[0])
            } else {
                for frame in frames { try encoder.encode(frame, appendingTo: &bytes) }
            }
        } catch {
            throw .protocolViolation("a frame could not be encoded: \(error)")
        }
        let failure: LinkError? = writeLock.withLock { isShutDown in
            guard !isShutDown else { return .closed(reason: "the link was shut down") }
            return bytes.withUnsafeBytes { raw -> LinkError? in
                var written = 0
                while written < raw.count {
                    let result = Glibc.send(descriptor, raw.baseAddress! + written, raw.count - written, Int32(MSG_NOSIGNAL))
                    if result < 0 {
                        if errno == EINTR { continue }
                        return .closed(reason: "writing to the peer failed: \(String(cString: strerror(errno)))")
                    }
                    written += result
                }
                return nil
            }
        }
        if let failure { throw failure }
    }

    /// Starts the reading thread. `onFrame` runs on it for every frame; `onEnd` runs once,
    /// with `nil` for a clean end of stream and the error otherwise, after which the
    /// descriptor is closed.
    package func startReading(
        limits: WireLimits = .default,
        onFrame: @escaping @Sendable (WireFrame) throws(LinkError) -> Void,
        onEnd: @escaping @Sendable (LinkError?) -> Void
    ) {
        let descriptor = self.descriptor
        reading.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            var reader = WireFrameReader(limits: limits)
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            var failure: LinkError?
            reading: while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = .closed(reason: "reading from the peer failed: \(String(cString: strerror(errno)))")
                    break
                }
                if count == 0 {
                    do { try reader.finish() } catch { failure = .protocolViolation("the stream ended inside a frame: \(error)") }
                    break
                }
                chunk.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                do {
                    while let frame = try reader.next() { try onFrame(frame) }
                } catch let error as LinkError {
                    failure = error
                    break reading
                } catch {
                    failure = .protocolViolation("\(error)")
                    break reading
                }
            }
            self.shutDown()
            onEnd(failure)
            close(descriptor)
        }
        thread.name = "manifold-link-reader"
        thread.start()
    }

    /// Stops both directions: the peer reads an end of stream and this side's reader wakes.
    package func shutDown() {
        writeLock.withLock { isShutDown in
            guard !isShutDown else { return }
            isShutDown = true
            shutdown(descriptor, Int32(SHUT_RDWR))
        }
    }
}
