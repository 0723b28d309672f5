import Foundation
import ManifoldTestWatchdog
import Testing

@Suite("Test process watchdog")
struct WatchdogTests {
    // That it fires is checked by hand: `MANIFOLD_TEST_TIME_LIMIT=2 swift test
    // --filter refusedConnectionIsRetriedThenReported` ends with its message.
    @Test("linked in and started with the process: its limit is MANIFOLD_TEST_TIME_LIMIT, else 900 s")
    func watchdogIsArmed() {
        // MANIFOLD_TEST_TIME_LIMIT=0 turns it off on purpose; a value that is not a number is refused.
        let configured = ProcessInfo.processInfo.environment["MANIFOLD_TEST_TIME_LIMIT"]
        let expected = configured.flatMap(UInt32.init).flatMap { $0 <= 86_400 ? $0 : nil } ?? 900
        #expect(manifold_test_watchdog_seconds() == expected)
    }
}
