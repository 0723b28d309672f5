import ArgumentParser
import Foundation

/// `--load-time-limit`: how long a library inspected in a child process may take to load.
struct LoadTimeLimitOption: ParsableArguments {
    @Option(
        name: .customLong("load-time-limit"),
        help: "Seconds a library may take to load in its child process before it is killed and reported (default 30).")
    var seconds: Double = LibraryProbe.timeLimit

    func validate() throws {
        guard seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw ValidationError("--load-time-limit must be more than 0 and at most 86400 seconds, got \(seconds)")
        }
    }
}
