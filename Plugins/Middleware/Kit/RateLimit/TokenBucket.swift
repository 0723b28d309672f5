import Synchronization

/// A token bucket that hands out reservations: a caller learns at once how long it must wait
/// for its token, so it sleeps once instead of polling.
///
/// The bucket holds up to `burst` tokens and refills at `ratePerSecond`. A reservation takes
/// a token now; when none is left it takes a future one (the count goes negative), and the
/// wait is the time until that token has refilled. Reservations are served in the order they
/// were made.
final class TokenBucket: Sendable {
    /// The outcome of a reservation.
    enum Reservation: Sendable, Equatable {
        /// Go now.
        case now
        /// Go once `Duration` has passed.
        case after(Duration)
        /// The wait would be `Duration`, longer than the caller accepts; nothing was taken.
        case refused(Duration)
    }

    private struct State {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Tokens added per second.
    let ratePerSecond: Double
    /// The most tokens the bucket holds (the largest burst let through at once).
    let burst: Double
    private let state: Mutex<State>

    /// A full bucket.
    init(ratePerSecond: Double, burst: Int, now: ContinuousClock.Instant = .now) {
        self.ratePerSecond = ratePerSecond
        self.burst = Double(burst)
        state = Mutex(State(tokens: Double(burst), updated: now))
    }

    /// Reserves one token; refuses when the wait would exceed `maxWait`.
    func reserve(now: ContinuousClock.Instant = .now, maxWait: Duration? = nil) -> Reservation {
        state.withLock { state in
            let elapsed = now - state.updated
            if elapsed > .zero {
                state.tokens = min(burst, state.tokens + Self.seconds(elapsed) * ratePerSecond)
                state.updated = now
            }
            if state.tokens >= 1 {
                state.tokens -= 1
                return .now
            }
            let wait = Duration.seconds((1 - state.tokens) / ratePerSecond)
            if let maxWait, wait > maxWait { return .refused(wait) }
            state.tokens -= 1
            return .after(wait)
        }
    }

    /// Gives back a token whose reservation was abandoned (its waiter was cancelled).
    func refund() {
        state.withLock { $0.tokens = min(burst, $0.tokens + 1) }
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
