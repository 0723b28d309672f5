import CManifoldABI
import Foundation
import ManifoldNativeBridge

/// A plugin's state failed to save or load through `manifold.state`.
public struct PluginStateError: Error, CustomStringConvertible, Sendable {
    /// The plugin's name.
    public let plugin: String
    /// The key whose state was concerned.
    public let key: String
    /// What went wrong.
    public let message: String

    public var description: String {
        "plugin '\(plugin)' could not \(message) (state key '\(key)')"
    }
}

/// The `manifold.state` extension of one native instance: snapshots of its state, per key.
///
/// The host calls these between inputs (never while `process` runs on the instance, unless
/// the plugin is flagged concurrent and synchronises itself).
public struct NativeState: @unchecked Sendable {
    let instance: NativeInstance
    let table: UnsafePointer<manifold_plugin_state>

    /// The keys that have state (conversation ids; "" for the whole instance).
    public func keys() throws -> [String] {
        guard let keys = table.pointee.keys else { return [] }
        let collected = KeyCollector()
        let box = Unmanaged.passRetained(collected)
        defer { box.release() }
        let status = keys(instance.instance, stateKeyVisit, box.toOpaque())
        guard status == MANIFOLD_OK else {
            throw PluginStateError(plugin: instance.plugin.descriptor.name, key: "", message: "list its state keys (status \(status))")
        }
        return collected.keys
    }

    /// The state kept for `key`, as the plugin's own bytes (empty when it keeps none).
    public func save(key: String) throws -> Data {
        guard let save = table.pointee.save else { return Data() }
        let sink = StateSink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        var writer = manifold_state_writer()
        writer.struct_size = UInt32(MemoryLayout<manifold_state_writer>.size)
        writer.context = box.toOpaque()
        writer.write = stateWrite
        let status = key.withManifoldStr { save(instance.instance, $0, &writer) }
        guard status == MANIFOLD_OK else {
            throw PluginStateError(plugin: instance.plugin.descriptor.name, key: key, message: "save its state (status \(status))")
        }
        return sink.bytes
    }

    /// Replaces the state of `key` by bytes an earlier `save` returned.
    public func load(_ bytes: Data, key: String) throws {
        guard let load = table.pointee.load else {
            throw PluginStateError(plugin: instance.plugin.descriptor.name, key: key, message: "load state: it offers no load")
        }
        var error = [CChar](repeating: 0, count: 1024)
        let status = bytes.withUnsafeBytes { raw in
            key.withManifoldStr { name in
                error.withUnsafeMutableBufferPointer { buffer in
                    load(instance.instance, name,
                         manifold_bytes(data: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), length: raw.count),
                         buffer.baseAddress, buffer.count)
                }
            }
        }
        guard status == MANIFOLD_OK else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PluginStateError(
                plugin: instance.plugin.descriptor.name, key: key,
                message: "load its state: " + (reason.isEmpty ? "status \(status)" : reason))
        }
    }
}

extension NativeInstance {
    /// The instance's `manifold.state` extension, when its plugin offers one.
    var state: NativeState? {
        guard let raw = plugin.extensionStruct(.state) else { return nil }
        let table = raw.assumingMemoryBound(to: manifold_plugin_state.self)
        guard Int(table.pointee.struct_size) >= StructPrefix.size(through: \manifold_plugin_state.load) else { return nil }
        return NativeState(instance: self, table: table)
    }
}

private final class KeyCollector {
    var keys: [String] = []
}

private final class StateSink {
    var bytes = Data()
}

private let stateKeyVisit: @convention(c) (UnsafeMutableRawPointer?, manifold_str) -> Void = { context, key in
    guard let context else { return }
    Unmanaged<KeyCollector>.fromOpaque(context).takeUnretainedValue().keys.append(key.string)
}

private let stateWrite: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int) -> manifold_status = {
    context, bytes, length in
    guard let context else { return MANIFOLD_ERROR }
    guard length > 0 else { return MANIFOLD_OK }
    guard let bytes else { return MANIFOLD_INVALID_ARGUMENT }
    Unmanaged<StateSink>.fromOpaque(context).takeUnretainedValue().bytes.append(bytes, count: length)
    return MANIFOLD_OK
}
