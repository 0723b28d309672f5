import Foundation
import ManifoldConformance
import ManifoldJSON

/// What `manifold check-plugin` found: each plugin checked, with its results; printed as a
/// table or as JSON.
struct CheckPluginReport {
    /// One plugin's results.
    struct Plugin {
        var name: String?
        var library: String?
        var manifest: String?
        var results: [CheckResult]
    }

    /// PLUGIN as given.
    var target: String
    var plugins: [Plugin]

    private var all: [CheckResult] { plugins.flatMap(\.results) }
    private func count(_ status: CheckResult.Status) -> Int { all.filter { $0.status == status }.count }

    /// Whether any check failed.
    var failed: Bool { count(.fail) > 0 }

    /// The table: a header per plugin, one row per check (`PASS  name  detail`), the last
    /// lines of standard error under a row whose process ended abnormally, and a total.
    var text: String {
        plugins.map { plugin in header(plugin) + plugin.results.map(Self.rows).joined() }.joined() + totalLine
    }

    /// A plugin's header: its name, library and manifest.
    func header(_ plugin: Plugin) -> String {
        "check-plugin \(plugin.name ?? target)\n" + (plugin.library.map { "  library   \($0)\n" } ?? "")
            + "  manifest  \(plugin.manifest ?? "none")\n"
    }

    /// A check's row, and the standard error lines quoted under it.
    static func rows(_ result: CheckResult) -> String {
        let width = ConformanceCheck.allCases.map(\.name.count).max() ?? 0
        let name = result.check.name.padding(toLength: width, withPad: " ", startingAt: 0)
        return "  \(result.status.label)  \(name)  \(result.detail)\n" + result.stderr.map { "        | \($0)\n" }.joined()
    }

    /// `11 checks: 9 passed, 1 failed, 1 skipped`.
    var totalLine: String {
        "\(CheckLimits.describe(count: all.count, "check")): \(count(.pass)) passed, \(count(.fail)) failed, \(count(.skip)) skipped\n"
    }

    /// `{"target": …, "plugins": [{"plugin": …, "library": …, "manifest": …, "checks": [{"check",
    /// "status", "detail", "stderr"?}]}], "passed": n, "failed": n, "skipped": n}`.
    var json: JSONValue {
        let entries: [JSONValue] = plugins.map { plugin in
            .object([
                "plugin": plugin.name.map { .string($0) } ?? .null,
                "library": plugin.library.map { .string($0) } ?? .null,
                "manifest": plugin.manifest.map { .string($0) } ?? .null,
                "checks": .array(plugin.results.map(\.json)),
            ])
        }
        return .object([
            "target": .string(target), "plugins": .array(entries),
            "passed": .integer(Int64(count(.pass))), "failed": .integer(Int64(count(.fail))), "skipped": .integer(Int64(count(.skip))),
        ])
    }
}
