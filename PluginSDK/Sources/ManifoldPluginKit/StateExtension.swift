import CManifoldABI
import Foundation
import ManifoldNativeBridge

/// The `manifold.state` table every `StatefulPlugin` of this library answers with.
enum StateExtension {
    // Written once, read-only afterwards: a C table the host reads from any thread.
    nonisolated(unsafe) static let table: UnsafeRawPointer = {
        let pointer = UnsafeMutablePointer<manifold_plugin_state>.allocate(capacity: 1)
        pointer.initialize(to: manifold_plugin_state(
            struct_size: UInt32(MemoryLayout<manifold_plugin_state>.size), keys: stateKeys, save: stateSave, load: stateLoad))
        return UnsafeRawPointer(pointer)
    }()

    static func stateful(_ opaque: UnsafeMutableRawPointer?) -> (any StatefulPlugin)? {
        guard let opaque else { return nil }
        return PluginInstance.from(opaque).object.object as? any StatefulPlugin
    }
}

private let stateKeys: @convention(c) (
    UnsafeMutableRawPointer?, (@convention(c) (UnsafeMutableRawPointer?, manifold_str) -> Void)?, UnsafeMutableRawPointer?
) -> manifold_status = { opaque, visit, context in
    guard let plugin = StateExtension.stateful(opaque), let visit else { return MANIFOLD_INVALID_ARGUMENT }
    for key in plugin.stateKeys() {
        key.withManifoldStr { visit(context, $0) }
    }
    return MANIFOLD_OK
}

private let stateSave: @convention(c) (UnsafeMutableRawPointer?, manifold_str, UnsafePointer<manifold_state_writer>?) -> manifold_status = {
    opaque, key, writerPointer in
    guard let plugin = StateExtension.stateful(opaque), let writerPointer else { return MANIFOLD_INVALID_ARGUMENT }
    let writer = StructPrefix.read(writerPointer, declaredSize: Int(writerPointer.pointee.struct_size))
    guard let write = writer.write else { return MANIFOLD_INVALID_ARGUMENT }
    do {
        let bytes = try plugin.saveState(key: key.string)
        return bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return MANIFOLD_OK }
            return write(writer.context, base.assumingMemoryBound(to: UInt8.self), raw.count)
        }
    } catch {
        return MANIFOLD_ERROR
    }
}

private let stateLoad: @convention(c) (
    UnsafeMutableRawPointer?, manifold_str, manifold_bytes, UnsafeMutablePointer<CChar>?, Int
) -> manifold_status = { opaque, key, bytes, reason, capacity in
    guard let plugin = StateExtension.stateful(opaque) else { return MANIFOLD_INVALID_ARGUMENT }
    let data = bytes.data.map { Data(bytes: $0, count: bytes.length) } ?? Data()
    do {
        try plugin.loadState(data, key: key.string)
        return MANIFOLD_OK
    } catch {
        if let reason, capacity > 0 {
            let text = Array("\(error)".utf8.prefix(capacity - 1))
            for (index, byte) in text.enumerated() { reason[index] = CChar(bitPattern: byte) }
            reason[text.count] = 0
        }
        return MANIFOLD_ERROR
    }
}
