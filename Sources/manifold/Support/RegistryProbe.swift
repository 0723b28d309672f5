import Foundation
import ManifoldHost
import Synchronization

/// Probes a library the plugin registry does not know by loading it in a child `manifold`
/// (`inspect --in-process`), before `manifold run` loads it into its own process, and writes
/// what it learnt to the registry: a library that crashed, hung or exited while loading is
/// blacklisted and refused; one that loaded cleanly is not probed again while unchanged.
final class RegistryProbe: LibraryProbing {
    private let registry: Mutex<PluginRegistry>
    private let allowInsecurePlugins: Bool
    private let timeLimit: TimeInterval

    init(registry: PluginRegistry, allowInsecurePlugins: Bool, timeLimit: TimeInterval = LibraryProbe.timeLimit) {
        self.registry = Mutex(registry)
        self.allowInsecurePlugins = allowInsecurePlugins
        self.timeLimit = timeLimit
    }

    func probe(library: String, sha256: String, manifest: String) -> String? {
        let outcome = LibraryProbe.inspect([manifest, "--json"], allowInsecurePlugins: allowInsecurePlugins, timeLimit: timeLimit)
        // An ordinary refusal (a manifest that disagrees with the library, say) is not the
        // library's crash: loading it here reports it again, and it is probed again next time.
        guard outcome.succeeded || outcome.abnormalEnd != nil else { return nil }
        let snapshot = registry.withLock { registry in
            registry.record(library: library, sha256: sha256, blacklistReason: outcome.abnormalEnd)
            return registry
        }
        do {
            try snapshot.save()
        } catch {
            Terminal.error("warning: the plugin registry \(snapshot.path) could not be written (\(error)); \(library) will be probed again next time")
        }
        return outcome.abnormalEnd
    }
}
