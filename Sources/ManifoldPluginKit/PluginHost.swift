import CManifoldABI
import ManifoldNativeBridge

/// The host's services, as a plugin instance sees them.
public struct PluginHost: @unchecked Sendable {
    // The table is the host's and valid until the instance is destroyed, which outlives
    // every use a plugin instance can make of this value.
    private let table: UnsafePointer<manifold_host>?

    init(table: UnsafePointer<manifold_host>?) {
        self.table = table
    }

    /// The node this instance serves.
    public var node: String {
        table?.pointee.node.string ?? ""
    }

    /// Severity of a log line.
    public enum LogLevel: Int32, Sendable {
        case trace = 0, debug, info, warning, error
    }

    /// Writes a log line through the host's logger, attributed to the node.
    public func log(_ level: LogLevel, _ message: String) {
        guard let table, let log = table.pointee.log else { return }
        var text = message
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                log(table.pointee.context, level.rawValue, manifold_str(data: chars.baseAddress, length: chars.count))
            }
        }
    }
}
