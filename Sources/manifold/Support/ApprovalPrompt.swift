import Foundation
import ManifoldHost
import ManifoldJSON
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Asks at the run's terminal (`/dev/tty`) about each input waiting for a person, one at a
/// time: approve, deny with a reason, or edit. A question decided meanwhile from elsewhere
/// (`manifold approve`) is withdrawn; the first decision on a token stands. When the terminal
/// goes away (closed, hung up), what it had not settled is handed to `fallback`.
final class ApprovalPrompt: Sendable {
    private struct State {
        var queue: [ApprovalRequest] = []
        var stopped = false
        /// The terminal gave end-of-file or an error: nothing more is asked there.
        var closed = false
        /// Bytes read from the terminal and not yet taken as a line.
        var typed: [UInt8] = []
    }

    private let terminal: Int32
    private let desk: ApprovalDesk
    private let hint: (@Sendable (String) -> String)?
    private let fallback: @Sendable (ApprovalRequest) -> Void
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    private init(
        terminal: Int32, desk: ApprovalDesk, hint: (@Sendable (String) -> String)?, fallback: @escaping @Sendable (ApprovalRequest) -> Void
    ) {
        self.terminal = terminal
        self.desk = desk
        self.hint = hint
        self.fallback = fallback
    }

    /// A prompt on the process's controlling terminal, or `nil` when it has none (a service,
    /// a pipeline in CI).
    ///
    /// - Parameters:
    ///   - hint: the commands that decide a token from another terminal, when there are any.
    ///   - fallback: told of each request the prompt will not ask about, the terminal gone.
    static func open(
        desk: ApprovalDesk, hint: (@Sendable (String) -> String)?, fallback: @escaping @Sendable (ApprovalRequest) -> Void
    ) -> ApprovalPrompt? {
        let descriptor = Glibc.open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        return ApprovalPrompt(terminal: descriptor, desk: desk, hint: hint, fallback: fallback)
    }

    /// Queues a question; once the terminal is gone, hands it to the fallback instead.
    func enqueue(_ request: ApprovalRequest) {
        let queued = state.withLock { state in
            if !state.closed { state.queue.append(request) }
            return !state.closed
        }
        if queued { wake.signal() } else { fallback(request) }
    }

    /// Starts asking, on a thread of its own (reading a terminal blocks).
    func start() {
        let thread = Thread { [self] in askInTurn() }
        thread.name = "manifold-approval-prompt"
        thread.start()
    }

    /// Stops asking within a fifth of a second; a question being asked is left unanswered.
    func stop() {
        state.withLock { $0.stopped = true }
        wake.signal()
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func askInTurn() {
        defer { close(terminal) }
        while !isStopped {
            let next: ApprovalRequest? = state.withLock { state in state.queue.isEmpty ? nil : state.queue.removeFirst() }
            guard let request = next else {
                _ = wake.wait(timeout: .now() + .milliseconds(200))
                continue
            }
            guard desk.pendingRequest(request.token) != nil else { continue }
            if ask(about: request) == .terminalGone {
                let left = state.withLock { state in
                    state.closed = true
                    defer { state.queue = [] }
                    return state.queue
                }
                for waiting in [request] + left where desk.pendingRequest(waiting.token) != nil { fallback(waiting) }
                return
            }
        }
    }

    private enum Outcome { case settled, terminalGone }

    /// Asks until `request` is decided here or elsewhere, or the prompt stops.
    private func ask(about request: ApprovalRequest) -> Outcome {
        write("\napproval needed \(request.token): node '\(request.node)' holds \(request.summary)\n"
            + (hint.map { "  (or from another terminal:\n" + $0(request.token) + ")\n" } ?? ""))
        let editing = request.tool != nil ? "new arguments (JSON)" : "new payload (JSON)"
        while true {
            write("approve? [y]es, [n]o, [e]dit: ")
            guard let answer = readLine(for: request.token) else { return unanswered }
            switch answer.lowercased() {
            case "y", "yes":
                submit(request, .approved(edit: nil))
                return .settled
            case "n", "no":
                write("reason (the model reads it): ")
                guard let reason = readLine(for: request.token) else { return unanswered }
                submit(request, .denied(reason: reason.isEmpty ? "denied at the run's terminal" : reason))
                return .settled
            case "e", "edit":
                write("\(editing): ")
                guard let text = readLine(for: request.token) else { return unanswered }
                do {
                    submit(request, .approved(edit: try JSONValue(parsing: text)))
                    return .settled
                } catch {
                    write("that is not JSON (\(error)); nothing was decided\n")
                }
            default:
                write("answer y, n or e\n")
            }
        }
    }

    /// Why a question got no answer: decided elsewhere, or the prompt stopped (both settled
    /// here), or the terminal went away.
    private var unanswered: Outcome {
        state.withLock { $0.closed && !$0.stopped } ? .terminalGone : .settled
    }

    private func submit(_ request: ApprovalRequest, _ decision: ApprovalDecision) {
        let done = DispatchSemaphore(value: 0)
        let desk = self.desk
        Task {
            await desk.submit(request.token, ApprovalVerdict(decision, decidedBy: "the run's terminal"))
            done.signal()
        }
        done.wait()
    }

    /// A line typed at the terminal, without its newline; `nil` when the question was decided
    /// elsewhere (said so), the prompt stops, or the terminal is gone (`State.closed`).
    private func readLine(for token: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let line: String? = state.withLock { state in
                guard let end = state.typed.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                defer { state.typed.removeSubrange(...end) }
                return String(decoding: state.typed[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if let line { return line }
            if isStopped { return nil }
            if desk.pendingRequest(token) == nil {
                write("\n(\(token) was decided elsewhere)\n")
                return nil
            }
            var poller = pollfd(fd: terminal, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            let count = ready > 0 ? read(terminal, &buffer, buffer.count) : -1
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                state.withLock { $0.closed = true }
                return nil
            }
            state.withLock { $0.typed.append(contentsOf: buffer.prefix(count)) }
        }
    }

    /// Writes to the terminal with control characters escaped: a model's arguments are shown
    /// here, and a terminal would obey an escape sequence hidden in them.
    private func write(_ text: String) {
        var text = ControlCharacters.escaped(text)
        text.withUTF8 { bytes in
            var written = 0
            while written < bytes.count, let base = bytes.baseAddress {
                let result = Glibc.write(terminal, base + written, bytes.count - written)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { return }
                written += result
            }
        }
    }
}
