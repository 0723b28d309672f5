import Manifold
import ManifoldNativeBridge
import Synchronization

/// One instance, behind the host's opaque pointer.
final class PluginInstance: Sendable {
    let object: PluginObject
    let host: PluginHost
    /// The running source, when the instance is a source that was started.
    let source = Mutex<SourceSink?>(nil)
    /// The last input's metadata and type, reused while the inputs repeat them.
    let recentInputs = RecentArtifactFields()

    init(object: PluginObject, host: PluginHost) {
        self.object = object
        self.host = host
    }

    static func from(_ opaque: UnsafeMutableRawPointer) -> PluginInstance {
        Unmanaged<PluginInstance>.fromOpaque(opaque).takeUnretainedValue()
    }
}
