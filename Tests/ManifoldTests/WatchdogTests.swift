import Foundation
import ManifoldTestWatchdog
import Testing

@Suite("Test process watchdog")
struct WatchdogTests {
    @Test("armed, so a hung test ends the run with a message instead of stalling it")
    func watchdogIsArmed() {
        // MANIFOLD_TEST_TIME_LIMIT=0 turns it off on purpose; otherwise it must be running.
        let configured = ProcessInfo.processInfo.environment["MANIFOLD_TEST_TIME_LIMIT"]
        let expected = configured.flatMap(UInt32.init) ?? 900
        #expect(manifold_test_watchdog_seconds() == expected)
    }
}
