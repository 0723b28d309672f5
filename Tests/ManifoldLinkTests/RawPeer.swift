import Foundation
import Manifold
@testable import ManifoldLink
import ManifoldWire
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The far end of a link driven by hand: it reads and writes frames on its socket directly,
/// so tests see exactly what a `LinkTransport` puts on the wire and can answer anything,
/// including what a real peer never would.
final class RawPeer: @unchecked Sendable {
    // Used by one test task at a time; the descriptor is closed once, by `close()`.
    let descriptor: Int32
    private var reader = WireFrameReader()
    private let encoder = WireEncoder()

    /// A hub whose link's other end is this raw peer.
    static func linkedHub() throws -> (Hub, RawPeer) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        let hub = Hub(options: HubOptions(transport: LinkTransport(connectedSocket: ends[0])))
        return (hub, RawPeer(descriptor: ends[1]))
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func send(_ message: LinkMessage) throws {
        try send(bytes: try encoder.encode(message.frame))
    }

    func send(_ artifact: Artifact) throws {
        try send(bytes: try encoder.encode(artifact))
    }

    func send(bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw POSIXError(.EIO) }
    }

    /// The next frame the hub's side sent, waiting up to `seconds` for it (off the test's thread).
    func nextFrame(within seconds: Double = 30) async throws -> WireFrame {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let frame = try reader.next() { return frame }
            // Read before looking at the clock: a test starved of CPU for a while must still
            // see what arrived meanwhile.
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&pollDescriptor, 1, 0) > 0 {
                var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { throw DeadlineError(what: "a frame (the link ended)") }
                reader.append(chunk[0..<count])
                continue
            }
            guard Date() < deadline else { throw DeadlineError(what: "frame from the hub's link") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The next control message, skipping nothing: an artifact frame here is a test failure.
    func nextMessage(within seconds: Double = 30) async throws -> LinkMessage {
        let frame = try await nextFrame(within: seconds)
        guard case .control(let kind, let header, _) = frame else {
            throw DeadlineError(what: "a control message, got an artifact frame")
        }
        return try LinkMessage(kind: kind, header: header)
    }

    func close() {
        Glibc.close(descriptor)
    }
}

struct DeadlineError: Error, CustomStringConvertible {
    let what: String
    var description: String { "no \(what) in time" }
}

/// Polls `condition` until it holds, for at most `seconds`.
func eventually(within seconds: Double = 30, _ condition: () -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        guard Date() < deadline else { return condition() }
        try await Task.sleep(for: .milliseconds(2))
    }
    return true
}
