import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reads what a worker writes to its standard output and error: passes it on to the host's
/// standard error as it comes (the plugin's logs stay visible), and keeps the last lines for
/// the report of a crash.
final class WorkerOutputTail: Sendable {
    /// How many bytes of the latest output are kept.
    static let keptBytes = 4096

    private let state = Mutex<State>(State())
    private let ended = DispatchSemaphore(value: 0)

    private struct State {
        var kept: [UInt8] = []
        var finished = false
    }

    /// Starts reading `descriptor` on a thread of its own (closing it at end of file).
    init(reading descriptor: Int32, forwardTo destination: Int32 = STDERR_FILENO) {
        let thread = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 16 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                chunk.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < count {
                        let written = write(destination, bytes.baseAddress! + offset, count - offset)
                        if written < 0, errno == EINTR { continue }
                        guard written > 0 else { break }
                        offset += written
                    }
                }
                state.withLock { state in
                    state.kept.append(contentsOf: chunk[0..<count])
                    if state.kept.count > Self.keptBytes { state.kept.removeFirst(state.kept.count - Self.keptBytes) }
                }
            }
            close(descriptor)
            state.withLock { $0.finished = true }
            ended.signal()
        }
        thread.name = "manifold-worker-output"
        thread.start()
    }

    /// The last `count` non-empty lines, after waiting up to `wait` for the worker's output to
    /// end (a dead worker's last words may still be in the pipe).
    func lastLines(_ count: Int, waiting wait: DispatchTimeInterval = .milliseconds(500)) -> [String] {
        if !state.withLock({ $0.finished }), ended.wait(timeout: .now() + wait) == .success { ended.signal() }
        let text = state.withLock { String(decoding: $0.kept, as: UTF8.self) }
        return Array(text.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).map(String.init))
    }
}
