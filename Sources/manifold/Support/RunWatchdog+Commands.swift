import ArgumentParser

/// What every command that runs a graph (`run`, `resume`, `replay`) does with its watchdog.
extension RunWatchdog {
    /// The longest `--timeout` accepted: past it the milliseconds no longer fit a timer.
    static let longestTimeLimit: Double = 10_000_000

    /// Refuses a `--timeout` that is not a number of seconds above 0 and at most `longestTimeLimit`.
    static func validate(timeLimit: Double?) throws(ValidationError) {
        guard let timeLimit else { return }
        guard timeLimit.isFinite, timeLimit > 0, timeLimit <= longestTimeLimit else {
            throw ValidationError("--timeout takes a number of seconds above 0 and at most \(Int(longestTimeLimit)), got \(timeLimit)")
        }
    }

    /// Runs `body` under a watchdog started first of all — `--timeout` counts from launch, and
    /// no Ctrl-C or SIGTERM meets its default action — that stands down only once the run's
    /// outcome is settled, right before the exit.
    ///
    /// - Throws: `ExitCode(1)` when the signals cannot be caught; whatever `body` throws.
    static func watching(timeLimit: Double?, _ body: (RunWatchdog) async throws -> Void) async throws {
        let watchdog: RunWatchdog
        do {
            watchdog = try RunWatchdog(timeLimit: timeLimit)
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        do {
            try await body(watchdog)
        } catch {
            watchdog.finish()
            throw error
        }
        watchdog.finish()
    }
}
