import CManifoldABI
import ManifoldNativeBridge

/// The host's services, as a plugin instance sees them.
public struct PluginHost: @unchecked Sendable {
    // The table is the host's and valid until the instance is destroyed, which outlives
    // every use a plugin instance can make of this value. It is read within the size the
    // host declared, so a field an older host lacks reads as absent.
    private let functions: manifold_host?
    /// The host's `manifold.cancel-next`, when it offers it: how a middleware's `next` is
    /// cancelled when the task awaiting it is.
    let cancelNext: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?

    init(table: UnsafePointer<manifold_host>?) {
        let functions = table.map { StructPrefix.read($0, declaredSize: Int($0.pointee.struct_size)) }
        self.functions = functions
        var cancelNext: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?
        if let functions, let getExtension = functions.get_extension,
            let raw = getExtension(functions.context, MANIFOLD_EXT_CANCEL_NEXT)
        {
            let table = raw.assumingMemoryBound(to: manifold_host_cancel_next.self)
            cancelNext = StructPrefix.read(table, declaredSize: Int(table.pointee.struct_size)).cancel_next
        }
        self.cancelNext = cancelNext
    }

    /// A host with no services, to make a plugin instance in a test: `node` is empty, `log`
    /// writes nowhere, and a middleware's `next` is not cancelled through the host.
    public static let detached = PluginHost(table: nil)

    /// The node this instance serves.
    public var node: String {
        functions?.node.string ?? ""
    }

    /// Severity of a log line.
    public enum LogLevel: Int32, Sendable {
        case trace = 0, debug, info, warning, error
    }

    /// Writes a log line through the host's logger, attributed to the node.
    public func log(_ level: LogLevel, _ message: String) {
        guard let functions, let log = functions.log else { return }
        message.withManifoldStr { log(functions.context, level.rawValue, $0) }
    }
}
