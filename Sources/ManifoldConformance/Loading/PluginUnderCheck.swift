import CManifoldABI
import Manifold
import ManifoldHost
import ManifoldJSON
import ManifoldManifest

/// One plugin of an opened library, as the checks drive it: the descriptor its library
/// gives, the C table behind it, and the manifest that describes it, if any.
struct PluginUnderCheck: @unchecked Sendable {
    /// The opened library (it stays loaded for the life of the process).
    let library: LoadedLibrary
    /// What the compiled plugin says about itself.
    let descriptor: PluginDescriptor
    /// Its C descriptor, static in the library.
    let vtable: UnsafePointer<manifold_plugin>
    /// The manifest that describes it; when the manifest's own config schema was refused,
    /// the manifest as read without it (`ManifestReading`).
    let manifest: PluginManifest?

    /// Whether it is a source (`manifold.source`): it emits on its own, from `start`.
    var isSource: Bool { descriptor.extensions.contains(PluginExtension.source.rawValue) }

    /// Whether it takes inputs through `process`.
    var takesInputs: Bool { !descriptor.inputs.types.isEmpty }

    /// The config schema as JSON: the manifest's (which may carry `examples` the compiled
    /// one lacks), else the library's; `nil` when there is none or it is not JSON.
    var configSchemaSource: JSONValue? {
        manifest?.configSchema ?? descriptor.configSchema.flatMap { try? JSONValue(parsing: $0) }
    }

    /// The config schema compiled, `nil` when there is none or it is invalid.
    var configSchema: JSONSchema? {
        configSchemaSource.flatMap { try? JSONSchema($0) }
    }

    /// The types the plugin may emit: the descriptor's, which the host holds it to.
    var declaredOutputs: ArtifactTypeSet { descriptor.outputs }
}
