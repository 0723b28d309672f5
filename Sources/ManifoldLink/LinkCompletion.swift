import Manifold
import Synchronization

/// Decides when two linked hubs are idle together: nothing in flight on either, nothing on
/// the way between them.
///
/// Each side counts its forwarded publishes not yet reported on (`sendStarted`/`sendFinished`;
/// a report comes only once the peer has queued the artifacts, so they are then in the peer's
/// own in-flight count) and numbers the publishes that arrive (`noteArrival`). A side that
/// wants to know whether all is quiet:
/// 1. waits until it is quiet itself — nothing in flight locally, no report outstanding;
/// 2. notes its arrival count and sends the peer a probe;
/// 3. the peer answers once it is quiet in the same sense;
/// 4. if nothing arrived here in the meantime and this side is still quiet, both were quiet
///    at the moment of the answer and nothing was travelling: no new work can appear without
///    an input from outside. Otherwise it starts again.
///
/// Why step 4 is enough: the peer answered with no report outstanding, so everything it had
/// sent had arrived here. What arrived before the count was noted was settled by then (this
/// side was quiet); what arrived after moved the count, and the round is retried. And this side
/// sent nothing after being quiet, so the peer's quiet answer covers all it received. This is
/// the classic two-wave termination check, specialised to two peers over one FIFO link.
final class LinkCompletion: Sendable {
    private struct State {
        var outstanding = 0
        var arrivals: UInt64 = 0
        var nextProbe: UInt64 = 0
        var quietWaiters: [CheckedContinuation<Void, Never>] = []
        var replies: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    func sendStarted() {
        state.withLock { $0.outstanding += 1 }
    }

    func sendFinished() {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.outstanding -= 1
            guard state.outstanding == 0 else { return [] }
            defer { state.quietWaiters.removeAll() }
            return state.quietWaiters
        }
        for waiter in woken { waiter.resume() }
    }

    func noteArrival() {
        state.withLock { $0.arrivals &+= 1 }
    }

    func replyArrived(_ number: UInt64) {
        state.withLock { $0.replies.removeValue(forKey: number) }?.resume(returning: true)
    }

    /// The link closed: nothing more can arrive, and no probe will be answered.
    func linkClosed() {
        let replies = state.withLock { state in
            state.closed = true
            defer { state.replies.removeAll() }
            return state.replies.values
        }
        for reply in replies { reply.resume(returning: false) }
    }

    /// Returns once nothing is in flight locally and no forwarded publish awaits its report.
    func waitUntilLocallyQuiet(endpoint: TransportEndpoint) async {
        while true {
            await endpoint.waitUntilLocallyIdle()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let quiet = state.withLock { state in
                    if state.outstanding == 0 { return true }
                    state.quietWaiters.append(continuation)
                    return false
                }
                if quiet { continuation.resume() }
            }
            if endpoint.localInFlight == 0 && state.withLock({ $0.outstanding == 0 }) { return }
        }
    }

    /// Returns once this hub and its peer are idle together (see the type's comment); once
    /// the link is closed, once this hub is idle alone.
    func waitUntilIdle(endpoint: TransportEndpoint, sendProbe: @Sendable (UInt64) -> Void) async {
        while true {
            await waitUntilLocallyQuiet(endpoint: endpoint)
            let (number, arrivalsBefore, closed) = state.withLock { state in
                state.nextProbe += 1
                return (state.nextProbe, state.arrivals, state.closed)
            }
            if closed { return }
            let answered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let closedNow = state.withLock { state in
                    if state.closed { return true }
                    state.replies[number] = continuation
                    return false
                }
                if closedNow { continuation.resume(returning: false) } else { sendProbe(number) }
            }
            let stillQuiet = state.withLock { $0.arrivals == arrivalsBefore && $0.outstanding == 0 }
            if !answered {
                // The link closed: whatever arrived before is local work now; finish it alone.
                await waitUntilLocallyQuiet(endpoint: endpoint)
                return
            }
            if stillQuiet && endpoint.localInFlight == 0 { return }
        }
    }
}
