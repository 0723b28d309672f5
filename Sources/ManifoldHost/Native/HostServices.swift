import CManifoldABI
import Logging

/// The `manifold_host` table one plugin instance is given, and what stands behind it.
final class HostServices: @unchecked Sendable {
    let node: String
    let logger: Logger
    let table: UnsafeMutablePointer<manifold_host>
    private let nodeBytes: UnsafeMutableBufferPointer<CChar>

    init(node: String, logger: Logger) {
        self.node = node
        self.logger = logger
        let utf8 = Array(node.utf8CString)
        nodeBytes = .allocate(capacity: utf8.count)
        _ = nodeBytes.initialize(from: utf8)
        table = .allocate(capacity: 1)
        table.initialize(to: manifold_host())
        table.pointee.struct_size = UInt32(MemoryLayout<manifold_host>.size)
        table.pointee.abi_version = MANIFOLD_ABI_VERSION
        table.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        table.pointee.log = hostLog
        table.pointee.get_extension = hostGetExtension
        table.pointee.node = manifold_str(data: nodeBytes.baseAddress, length: utf8.count - 1)
    }

    deinit {
        table.deinitialize(count: 1)
        table.deallocate()
        nodeBytes.deallocate()
    }

    func log(level: manifold_log_level, message: String) {
        let swiftLevel: Logger.Level
        switch level {
        case MANIFOLD_LOG_TRACE: swiftLevel = .trace
        case MANIFOLD_LOG_DEBUG: swiftLevel = .debug
        case MANIFOLD_LOG_INFO: swiftLevel = .info
        case MANIFOLD_LOG_WARNING: swiftLevel = .warning
        default: swiftLevel = .error
        }
        logger.log(level: swiftLevel, "\(message)", metadata: ["node": "\(node)"])
    }
}

private let hostLog: @convention(c) (UnsafeMutableRawPointer?, manifold_log_level, manifold_str) -> Void = {
    context, level, message in
    guard let context else { return }
    Unmanaged<HostServices>.fromOpaque(context).takeUnretainedValue().log(level: level, message: message.string)
}

/// The host extensions: `manifold.cancel-next`; NULL for any other id.
private let hostGetExtension: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> UnsafeRawPointer? = { _, id in
    guard let id, String(cString: id) == MANIFOLD_EXT_CANCEL_NEXT else { return nil }
    return HostExtensions.cancelNext
}

/// The tables of the host extensions, written once and read-only afterwards.
enum HostExtensions {
    // A C table plugins read from any thread.
    nonisolated(unsafe) static let cancelNext: UnsafeRawPointer = {
        let pointer = UnsafeMutablePointer<manifold_host_cancel_next>.allocate(capacity: 1)
        pointer.initialize(to: manifold_host_cancel_next(
            struct_size: UInt32(MemoryLayout<manifold_host_cancel_next>.size), cancel_next: hostCancelNext))
        return UnsafeRawPointer(pointer)
    }()
}

/// `call_context` is the `context` of a call table: its `CallHandle`, through which a call
/// that already ended is refused like any late callback.
private let hostCancelNext: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    guard let context else { return }
    Unmanaged<CallHandle>.fromOpaque(context).takeUnretainedValue().withCall("cancel_next", refused: ()) { $0.cancelNext() }
}
