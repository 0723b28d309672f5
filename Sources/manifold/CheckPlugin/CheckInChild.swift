import Foundation
import ManifoldConformance
import ManifoldJSON

/// Runs one check of `manifold check-plugin` in a child process (`check-plugin --in-process
/// CHECK …`) and reads its report; a child that crashed, exited or ran past the time limit
/// is the check's FAIL, with how it ended and the last lines of its standard error.
struct CheckInChild {
    /// The arguments every child gets besides the check: the target, `--plugin`, `--config`
    /// and the limits, as the command line gave them.
    var arguments: [String]
    /// Seconds a child may run before it is killed.
    var timeLimit: TimeInterval

    /// How many lines of a failed child's standard error the report quotes.
    static let stderrLines = 5

    /// What a check's process reported, or what was made of how it ended.
    struct Outcome {
        var report: ConformanceRunner.Report
        /// Whether the process crashed, exited before reporting, or was killed.
        var endedAbnormally: Bool
    }

    /// Runs `check` on `plugin` (of a library; `nil` for a manifest's or a library's only one).
    func run(_ check: ConformanceCheck, plugin: String?) -> Outcome {
        let outcome = ChildManifold.run(
            ["check-plugin", "--in-process", check.name] + arguments + (plugin.map { ["--plugin", $0] } ?? []), timeLimit: timeLimit)
        let report = Self.report(in: outcome.output)
        if let report, outcome.status == 0, !outcome.timedOut { return Outcome(report: report, endedAbnormally: false) }
        if outcome.timedOut {
            return failure(
                check, "did not finish within the time limit of \(Self.seconds(timeLimit)) and was killed: a plugin that hangs "
                    + "(if it is only slow, raise --time-limit)", outcome)
        }
        if let signal = outcome.signalDescription {
            return failure(check, "the plugin crashed the check's process (\(signal))", outcome)
        }
        if let status = outcome.status, status != 0 {
            return failure(check, "the check's process exited with status \(status) before reporting (the plugin called exit?)", outcome)
        }
        return failure(check, "the check's process exited before reporting (the plugin called exit(0)?)", outcome)
    }

    private func failure(_ check: ConformanceCheck, _ detail: String, _ outcome: ChildManifold.Outcome) -> Outcome {
        let lines = outcome.errorText.split(separator: "\n", omittingEmptySubsequences: true).suffix(Self.stderrLines).map(String.init)
        return Outcome(report: ConformanceRunner.Report(result: CheckResult(check, .fail, detail, stderr: lines)), endedAbnormally: true)
    }

    /// The child's report: the last line of its standard output that is one.
    private static func report(in output: Data) -> ConformanceRunner.Report? {
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        for line in lines.reversed() {
            if let json = try? JSONValue(parsing: String(line)), let report = ConformanceRunner.Report(json: json) { return report }
        }
        return nil
    }

    /// `60 s`, `2.5 s`.
    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
