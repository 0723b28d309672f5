import Synchronization

/// One call handed to a `ForeignCallPool`: who resumes its caller, and when.
///
/// The caller's continuation is resumed exactly once: with the value when the function
/// returns, or with `CancellationError` as soon as the caller is cancelled, whether the call
/// still waits for a thread (it then never runs) or already runs (the C function cannot be
/// stopped: it runs on to its end on its thread, and its value is dropped).
final class PendingForeignCall<Value: Sendable>: Sendable {
    private enum Phase {
        case created
        case waiting(CheckedContinuation<Value, any Error>)
        case running(CheckedContinuation<Value, any Error>)
        case cancelledWhileRunning
        case finished
    }

    private let phase = Mutex(Phase.created)

    /// Takes the caller's continuation; false (and the caller resumed with
    /// `CancellationError`) when the caller was cancelled first, so there is nothing to submit.
    func attach(_ continuation: CheckedContinuation<Value, any Error>) -> Bool {
        let cancelled: Bool = phase.withLock { phase in
            guard case .created = phase else { return true }
            phase = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// The caller was cancelled. Returns whether the call had not started yet (so the pool
    /// may drop it from its queue).
    @discardableResult
    func cancel() -> Bool {
        let (continuation, wasWaiting): (CheckedContinuation<Value, any Error>?, Bool) = phase.withLock { phase in
            switch phase {
            case .created:
                phase = .finished
                return (nil, false)
            case .waiting(let continuation):
                phase = .finished
                return (continuation, true)
            case .running(let continuation):
                phase = .cancelledWhileRunning
                return (continuation, false)
            case .cancelledWhileRunning, .finished:
                return (nil, false)
            }
        }
        continuation?.resume(throwing: CancellationError())
        return wasWaiting
    }

    /// The pool refused the call: its caller gets `error`.
    func refuse(_ error: any Error) {
        let continuation: CheckedContinuation<Value, any Error>? = phase.withLock { phase in
            guard case .waiting(let continuation) = phase else { return nil }
            phase = .finished
            return continuation
        }
        continuation?.resume(throwing: error)
    }

    /// Runs `body` on the calling (worker) thread unless the caller was cancelled first, and
    /// hands `record` what became of the call before the caller is resumed, so a caller that
    /// has its value also sees it counted.
    func execute(_ body: () -> Value, record: (ForeignCallOutcome) -> Void) {
        let started: Bool = phase.withLock { phase in
            guard case .waiting(let continuation) = phase else { return false }
            phase = .running(continuation)
            return true
        }
        guard started else { return record(.skipped) }
        let value = body()
        let continuation: CheckedContinuation<Value, any Error>? = phase.withLock { phase in
            defer { phase = .finished }
            if case .running(let continuation) = phase { return continuation }
            return nil
        }
        guard let continuation else { return record(.abandoned) }
        record(.completed)
        continuation.resume(returning: value)
    }
}

/// What became of a call once a worker thread took it.
enum ForeignCallOutcome: Sendable {
    /// The caller was cancelled before it started; it did not run.
    case skipped
    /// It ran and its caller has the value.
    case completed
    /// It ran, but its caller had been cancelled meanwhile; the value was dropped.
    case abandoned
}
