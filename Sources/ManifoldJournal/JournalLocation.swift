import Foundation

/// Where journals live when no `--journal` is given.
public enum JournalLocation {
    /// `$MANIFOLD_JOURNAL`; else `$XDG_STATE_HOME/manifold/runs.db`; else
    /// `~/.local/state/manifold/runs.db` (the XDG base directory for state that should
    /// survive a restart but is no user document).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["MANIFOLD_JOURNAL"], !explicit.isEmpty { return explicit }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/manifold/runs.db" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/manifold/runs.db"
    }
}
