import Foundation

/// A plugin that can save and restore its state, per key, through the `manifold.state`
/// extension: the host snapshots a run with it and resumes one after a crash.
///
/// A key is usually a conversation's correlation id; "" stands for the whole instance. The
/// bytes are the plugin's own format: put a version in them. The host never calls these
/// while `process` runs on the instance (unless the plugin allows concurrent processing,
/// in which case it synchronises its own state).
public protocol StatefulPlugin {
    /// The keys that have state now.
    func stateKeys() -> [String]
    /// The state of `key`; empty when it has none.
    func saveState(key: String) throws -> Data
    /// Replaces the state of `key` by bytes `saveState` returned.
    func loadState(_ bytes: Data, key: String) throws
}
