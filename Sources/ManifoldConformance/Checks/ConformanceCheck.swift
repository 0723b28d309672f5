/// The checks of `manifold check-plugin`, by their stable names, in the order they run.
///
/// The names are part of the command's interface (`--only`, `--json`): scripts and tests
/// match on them, so they never change; a new check gets a new name.
public enum ConformanceCheck: String, Sendable, CaseIterable, Codable {
    /// The library opens as the host requires.
    case loads
    /// The manifest agrees with the compiled descriptor.
    case descriptorMatchesManifest = "descriptor-matches-manifest"
    /// The config schemas compile and their examples match them.
    case configSchemaValid = "config-schema-valid"
    /// `{}` is accepted or refused as the schema says.
    case emptyConfig = "empty-config"
    /// Instances made and ended many times leave no memory behind.
    case createDestroyNoLeak = "create-destroy-no-leak"
    /// Each sample input completes exactly once.
    case processCompletesOnce = "process-completes-once"
    /// Every output is well formed and of a declared type.
    case emitsDeclaredTypes = "emits-declared-types"
    /// An output that passes the input's payload on by reference retained it first.
    case forwardsRetainedPayloads = "forwards-retained-payloads"
    /// A call cancelled while it runs completes in time.
    case honoursCancellation = "honours-cancellation"
    /// Cancellation inside the plugin's own callbacks, or twice at once, is safe.
    case reentrantCancel = "reentrant-cancel"
    /// A concurrent plugin completes calls running at once.
    case concurrentCalls = "concurrent-calls"
    /// Shutdown, destroy and the library's deinit complete.
    case shutdownCompletes = "shutdown-completes"

    /// The check's name, as the command prints and takes it.
    public var name: String { rawValue }

    /// What the check makes sure of, in one line (the help lists them).
    public var summary: String {
        switch self {
        case .loads:
            return "the library opens and describes itself as the host requires (trust, ELF, pin, entry, ABI, descriptors)"
        case .descriptorMatchesManifest:
            return "the manifest and the compiled descriptor agree (name, version, kind, types, extensions, schema, …)"
        case .configSchemaValid:
            return "the config schema (compiled and in the manifest) is a JSON Schema the host applies; its examples match it"
        case .emptyConfig:
            return "`{}` is accepted by create when the schema allows it, and refused with a reason when not"
        case .createDestroyNoLeak:
            return "create, shutdown and destroy many times without the process's memory growing"
        case .processCompletesOnce:
            return "each sample input of each accepted type completes exactly once, and nothing is emitted after"
        case .emitsDeclaredTypes:
            return "every output is well formed and of a type the plugin declares"
        case .forwardsRetainedPayloads:
            return "an output that passes the input's payload on by reference (its owner and release) took a reference (retain) for it first"
        case .honoursCancellation:
            return "a call cancelled while it runs completes within the cancellation limit"
        case .reentrantCancel:
            return "cancellation inside the plugin's own on_cancel or emit, or from two threads at once, is safe"
        case .concurrentCalls:
            return "a plugin flagged concurrent completes many calls running at once"
        case .shutdownCompletes:
            return "shutdown calls done once, destroy returns, the library's deinit returns"
        }
    }

    /// Whether the check makes instances, and so needs a config the plugin accepts.
    public var needsConfig: Bool {
        switch self {
        case .loads, .descriptorMatchesManifest, .configSchemaValid, .emptyConfig: return false
        default: return true
        }
    }
}
