import CManifoldCrashReport
import Foundation

/// One line on standard error when plugin code crashes the host: which plugin, on which
/// node, and that isolating the node is the fix. A crash in process cannot be survived, but
/// it need not be a mystery.
public enum PluginCrashReport {
    /// Installs the crash handlers (once); they hand each crash on to the handler that was
    /// there before (the Swift runtime's backtracer, when enabled) or the default action.
    ///
    /// - Parameter inWorker: whether this is an isolated node's worker, whose crash the host
    ///   reports and recovers from (the line then names no fix).
    public static func install(inWorker: Bool = false) {
        manifold_crash_report_install(inWorker ? 1 : 0)
    }

    /// A description for `plugin` on `node`, kept for the life of the process (a crash may
    /// come from a thread the plugin left behind, after its instance was destroyed).
    static func description(plugin: String, node: String) -> UnsafePointer<CChar> {
        UnsafePointer(strdup("plugin '\(plugin)' on node '\(node)'")!)
    }

    /// Runs `body` (a call into plugin code) with `description` named as what this thread runs.
    @inline(__always)
    static func running<Result>(_ description: UnsafePointer<CChar>, _ body: () throws -> Result) rethrows -> Result {
        let previous = manifold_crash_report_exchange(description)
        defer { manifold_crash_report_exchange(previous) }
        return try body()
    }
}
