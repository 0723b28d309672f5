import Foundation
import Manifold
import Synchronization

/// Where a run's `approval` middleware leaves inputs for a person and picks up decisions.
///
/// A run has one desk, shared by every `approval` middleware of its graph. How people reach
/// it is up to the program that runs the graph (`Channels`): `manifold run` keeps requests in
/// its journal, where `manifold approve` and `deny` decide from any terminal, and asks at its
/// own terminal when it has one. Decisions on a token are final: the first one stands.
public final class ApprovalDesk: Sendable {
    /// How requests and decisions travel beyond the run; every channel is optional.
    public struct Channels: Sendable {
        /// Keeps a request where a person can decide from elsewhere (a journal), and returns
        /// the decision already made on its token (the run was resumed), if any.
        public var keep: (@Sendable (ApprovalRequest) async throws -> ApprovalVerdict?)?
        /// Makes a decision taken in the run (its prompt, a time limit) last before the run
        /// acts on it; returns the decision that stands (an earlier one, if someone was first).
        /// A failure to make it last is its own to report: the run goes on with the decision.
        public var persist: (@Sendable (ApprovalRequest, ApprovalVerdict) async -> ApprovalVerdict)?
        /// Told once the run acted on a decision.
        public var applied: (@Sendable (ApprovalRequest, ApprovalVerdict) async -> Void)?
        /// Told when a request starts waiting.
        public var announce: (@Sendable (ApprovalRequest) -> Void)?

        /// No channels: decisions come only through `decide` and `submit`.
        public init(
            keep: (@Sendable (ApprovalRequest) async throws -> ApprovalVerdict?)? = nil,
            persist: (@Sendable (ApprovalRequest, ApprovalVerdict) async -> ApprovalVerdict)? = nil,
            applied: (@Sendable (ApprovalRequest, ApprovalVerdict) async -> Void)? = nil,
            announce: (@Sendable (ApprovalRequest) -> Void)? = nil
        ) {
            self.keep = keep
            self.persist = persist
            self.applied = applied
            self.announce = announce
        }
    }

    private struct Waiting {
        var request: ApprovalRequest
        var order: Int
        var waiters: [Int: CheckedContinuation<ApprovalVerdict, any Error>] = [:]
    }

    private struct State {
        var channels = Channels()
        var waiting: [String: Waiting] = [:]
        var decided: [String: ApprovalVerdict] = [:]
        var counter = 0
    }

    private let state = Mutex(State())

    /// A desk with no channels.
    public init() {}

    /// Sets how requests and decisions travel; call before the run starts.
    public func configure(_ channels: Channels) {
        state.withLock { $0.channels = channels }
    }

    /// The requests waiting for a person, oldest first.
    public var pending: [ApprovalRequest] {
        state.withLock { state in state.waiting.values.sorted { $0.order < $1.order }.map(\.request) }
    }

    /// The waiting request with `token`, if one waits.
    public func pendingRequest(_ token: String) -> ApprovalRequest? {
        state.withLock { $0.waiting[token]?.request }
    }

    /// Waits until a person decides on `request` (or `timeLimit` passes: then it is denied),
    /// and returns the decision. A token decided before returns at once.
    ///
    /// - Throws: `CancellationError` when the waiting task is cancelled (the run stops): the
    ///   request stays undecided, for a resumed run to ask again; or what `keep` throws.
    /// - Parameter timeLimit: seconds.
    public func verdict(for request: ApprovalRequest, timeLimit: Double? = nil) async throws -> ApprovalVerdict {
        let token = request.token
        if let known = state.withLock({ $0.decided[token] }) { return known }
        let channels = state.withLock { $0.channels }
        if let keep = channels.keep, let earlier = try await keep(request) {
            state.withLock { $0.decided[token] = $0.decided[token] ?? earlier }
            await channels.applied?(request, earlier)
            return earlier
        }
        let waiter = state.withLock { state in
            state.counter += 1
            return state.counter
        }
        let timer = timeLimit.map { seconds in
            Task {
                try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
                // %g gives "0.2" and "3600" whatever the locale: the model reads it.
                let limit = String(format: "%g", seconds)
                await self.submit(token, ApprovalVerdict(.denied(reason: "no decision within \(limit) s"), decidedBy: "the time limit"))
            }
        }
        defer { timer?.cancel() }
        let verdict = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ApprovalVerdict, any Error>) in
                enum Outcome { case waits(announce: Bool), decided(ApprovalVerdict), cancelled }
                let outcome: Outcome = state.withLock { state in
                    if let decided = state.decided[token] { return .decided(decided) }
                    if Task.isCancelled { return .cancelled }
                    let isNew = state.waiting[token] == nil
                    if isNew {
                        state.counter += 1
                        state.waiting[token] = Waiting(request: request, order: state.counter)
                    }
                    state.waiting[token]?.waiters[waiter] = continuation
                    return .waits(announce: isNew)
                }
                switch outcome {
                case .waits(let announce): if announce { channels.announce?(request) }
                case .decided(let verdict): continuation.resume(returning: verdict)
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let continuation: CheckedContinuation<ApprovalVerdict, any Error>? = state.withLock { state in
                let removed = state.waiting[token]?.waiters.removeValue(forKey: waiter)
                if state.waiting[token]?.waiters.isEmpty == true { state.waiting[token] = nil }
                return removed
            }
            continuation?.resume(throwing: CancellationError())
        }
        await channels.applied?(request, verdict)
        return verdict
    }

    /// Hands a decision already made lasting (in the journal, by `manifold approve`) to the
    /// inputs waiting on `token`.
    ///
    /// - Returns: whether an input was waiting on it; `false` when none is (yet), or it was
    ///   decided before.
    @discardableResult
    public func decide(_ token: String, _ verdict: ApprovalVerdict) -> Bool {
        let waiters: [CheckedContinuation<ApprovalVerdict, any Error>]? = state.withLock { state in
            guard let waiting = state.waiting.removeValue(forKey: token) else { return nil }
            state.decided[token] = verdict
            return Array(waiting.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: verdict) }
        return true
    }

    /// A decision made in the run (its prompt, a time limit): made lasting through
    /// `Channels.persist` first, where the first decision on a token wins, then handed over.
    ///
    /// - Returns: the decision that stands, or `nil` when nothing waits on `token`.
    @discardableResult
    public func submit(_ token: String, _ verdict: ApprovalVerdict) async -> ApprovalVerdict? {
        let (request, persist) = state.withLock { ($0.waiting[token]?.request, $0.channels.persist) }
        guard let request else { return nil }
        let standing = await persist?(request, verdict) ?? verdict
        decide(token, standing)
        return standing
    }
}
