import Foundation

/// Waits, up to `seconds`, until `condition` holds: for a C test plugin's report, which a
/// test can only read, not be woken by. Returns whether it held.
func waitUntil(seconds: Double = 20, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}
