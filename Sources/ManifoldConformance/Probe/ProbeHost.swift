import CManifoldABI
import Foundation
import ManifoldNativeBridge
import Synchronization

/// The `manifold_host` table the checker hands an instance it creates: the services of the
/// real host, with every log line kept so a finding can quote the plugin's last words.
///
/// `manifold.cancel-next` is offered, as the real host offers it: a middleware cancels
/// the checker's stand-in downstream through it (`ProbeCall.cancelNext()`).
final class ProbeHost: @unchecked Sendable {
    let table: UnsafeMutablePointer<manifold_host>
    private let nodeBytes: UnsafeMutableBufferPointer<CChar>
    private let lines = Mutex<[String]>([])

    /// The node name instances are told they serve.
    static let node = "check-plugin"

    init() {
        let utf8 = Array(Self.node.utf8CString)
        nodeBytes = .allocate(capacity: utf8.count)
        _ = nodeBytes.initialize(from: utf8)
        table = .allocate(capacity: 1)
        table.initialize(to: manifold_host())
        table.pointee.struct_size = UInt32(MemoryLayout<manifold_host>.size)
        table.pointee.abi_version = MANIFOLD_ABI_VERSION
        table.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        table.pointee.log = probeLog
        table.pointee.get_extension = probeGetExtension
        table.pointee.node = manifold_str(data: nodeBytes.baseAddress, length: utf8.count - 1)
    }

    deinit {
        table.deinitialize(count: 1)
        table.deallocate()
        nodeBytes.deallocate()
    }

    /// Keeps a line the plugin logged; the last `kept` lines are kept.
    func log(level: manifold_log_level, message: String) {
        let label = ["trace", "debug", "info", "warning", "error"][Int(min(max(level, 0), 4))]
        lines.withLock { lines in
            lines.append("\(label): \(message)")
            if lines.count > Self.kept { lines.removeFirst(lines.count - Self.kept) }
        }
    }

    /// The last lines the plugin logged through the host, oldest first.
    var loggedLines: [String] { lines.withLock { $0 } }

    private static let kept = 20
}

private let probeLog: @convention(c) (UnsafeMutableRawPointer?, manifold_log_level, manifold_str) -> Void = { context, level, message in
    guard let context else { return }
    Unmanaged<ProbeHost>.fromOpaque(context).takeUnretainedValue().log(level: level, message: message.string)
}

private let probeGetExtension: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> UnsafeRawPointer? = { _, id in
    guard let id, String(cString: id) == MANIFOLD_EXT_CANCEL_NEXT else { return nil }
    return ProbeHostExtensions.cancelNext
}

/// The host extension tables, written once and read-only afterwards.
enum ProbeHostExtensions {
    // A C table plugins read from any thread.
    nonisolated(unsafe) static let cancelNext: UnsafeRawPointer = {
        let pointer = UnsafeMutablePointer<manifold_host_cancel_next>.allocate(capacity: 1)
        pointer.initialize(to: manifold_host_cancel_next(
            struct_size: UInt32(MemoryLayout<manifold_host_cancel_next>.size), cancel_next: probeCancelNext))
        return UnsafeRawPointer(pointer)
    }()
}

/// `call_context` is a `ProbeCall`'s, which the checker keeps alive until its process ends.
private let probeCancelNext: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    guard let context else { return }
    Unmanaged<ProbeCall>.fromOpaque(context).takeUnretainedValue().cancelNext()
}
