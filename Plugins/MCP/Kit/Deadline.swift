/// Why work under a deadline did not give a value.
enum DeadlineProblem: Error {
    /// The deadline came first.
    case timedOut
    /// The work failed.
    case failed(any Error)
}

/// Runs `body` until `deadline`. When the deadline comes first, `unblock` is called: it must
/// make `body` return (cancel its request, close its connection), since work that ignores
/// task cancellation — waiting on another task's value, say — cannot be left behind.
func withDeadline<T: Sendable>(
    at deadline: ContinuousClock.Instant, unblock: @escaping @Sendable () async -> Void,
    _ body: @escaping @Sendable () async throws -> T
) async -> Result<T, DeadlineProblem> {
    await withTaskGroup(of: Result<T, DeadlineProblem>?.self) { group in
        group.addTask {
            do {
                return .success(try await body())
            } catch {
                return .failure(.failed(error))
            }
        }
        group.addTask {
            do {
                try await Task.sleep(until: deadline)
            } catch {
                return nil
            }
            return .failure(.timedOut)
        }
        var outcome: Result<T, DeadlineProblem>?
        while outcome == nil, let next = await group.next() {
            outcome = next
        }
        group.cancelAll()
        if case .failure(.timedOut) = outcome { await unblock() }
        return outcome ?? .failure(.timedOut)
    }
}
