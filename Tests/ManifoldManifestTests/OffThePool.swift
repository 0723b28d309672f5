import Foundation

/// Runs CPU-heavy `work` (parsing a manifest of 10,000 nodes in a debug build) on a thread of
/// its own: the concurrency pool has a thread per core, and suites running at the same time
/// wait on it within their own time limits.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
