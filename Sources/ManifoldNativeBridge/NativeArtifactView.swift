import CManifoldABI
import Foundation
import Manifold

/// A `manifold_artifact` laid out in one heap block: what the host hands a plugin as input,
/// and what a Swift plugin hands the host as output.
///
/// One allocation holds the struct, the metadata array and every string, so the view stays
/// valid for as long as this object lives. The view is also the payload's owner: its
/// `retain`/`release` keep this object (and with it the bytes) alive, so a plugin can keep
/// or forward the payload without copying it. Payloads up to `inlinePayloadLimit` bytes are
/// copied into the block (cheaper than lending them); larger ones are lent straight from the
/// artifact's `Data`, which this object keeps.
public final class NativeArtifactView {
    /// Payloads of at most this many bytes are copied into the view's block; larger ones are
    /// lent. Copying 512 bytes costs about what the reference counting of a loan costs.
    public static let inlinePayloadLimit = 512

    /// The view; valid while this object lives.
    public let pointer: UnsafePointer<manifold_artifact>
    /// The artifact's payload; the view's bytes point into it when it was lent.
    public let payload: Data
    private let block: UnsafeMutableRawPointer

    /// Lays `artifact` out as a C view.
    public init(_ artifact: Artifact) {
        // Strings are copied from their own UTF-8 storage: no intermediate byte arrays, as
        // this runs twice per artifact that crosses the plugin boundary.
        var id = artifact.id.rawValue
        var type = artifact.type.description
        var origin = artifact.origin ?? ""
        var correlation = artifact.correlationID ?? ""
        let metadata = artifact.metadata
        payload = artifact.payload
        let inlinePayload = payload.count <= Self.inlinePayloadLimit

        let headerSize = MemoryLayout<manifold_artifact>.stride
        let entriesSize = MemoryLayout<manifold_metadata_entry>.stride * metadata.count
        let textSize = id.utf8.count + type.utf8.count + origin.utf8.count + correlation.utf8.count
            + metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        let total = headerSize + entriesSize + textSize + (inlinePayload ? payload.count : 0)
        block = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: MemoryLayout<manifold_artifact>.alignment)

        var cursor = block + headerSize + entriesSize
        func place(_ text: inout String) -> manifold_str {
            let start = cursor
            let count = text.withUTF8 { bytes in
                if let base = bytes.baseAddress { start.copyMemory(from: base, byteCount: bytes.count) }
                return bytes.count
            }
            cursor += count
            return manifold_str(data: start.assumingMemoryBound(to: CChar.self), length: count)
        }
        let entries = (block + headerSize).bindMemory(to: manifold_metadata_entry.self, capacity: metadata.count)
        var placed = 0
        func placeEntry(_ key: String, _ value: String) {
            var key = key, value = value
            let entry = manifold_metadata_entry(key: place(&key), value: place(&value))
            (entries + placed).initialize(to: entry)
            placed += 1
        }
        // Sorted keys, so a plugin sees the same order on every run (no sorted copy for one entry).
        if metadata.count > 1 {
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { placeEntry(key, value) }
        } else {
            for (key, value) in metadata { placeEntry(key, value) }
        }
        var view = manifold_artifact()
        view.struct_size = UInt32(MemoryLayout<manifold_artifact>.size)
        view.id = place(&id)
        view.type = place(&type)
        view.origin = place(&origin)
        view.correlation_id = place(&correlation)
        view.metadata = UnsafePointer(entries)
        view.metadata_count = metadata.count
        let bytes: UnsafeRawPointer?
        if inlinePayload {
            let start = cursor
            payload.withUnsafeBytes { source in
                if let base = source.baseAddress { start.copyMemory(from: base, byteCount: source.count) }
            }
            bytes = UnsafeRawPointer(start)
        } else {
            // A payload this large lives in heap storage that the `Data` this object holds
            // keeps alive and, being shared, never moves (a mutation elsewhere copies it).
            bytes = payload.withUnsafeBytes { $0.baseAddress }
        }
        view.payload = manifold_payload(
            data: bytes?.assumingMemoryBound(to: UInt8.self), length: payload.count, owner: nil,
            retain: nativeViewRetain, release: nativeViewRelease)
        view.created_at_unix_nanos = Int64(artifact.createdAt.timeIntervalSince1970 * 1_000_000_000)
        let header = block.bindMemory(to: manifold_artifact.self, capacity: 1)
        header.initialize(to: view)
        pointer = UnsafePointer(header)
        header.pointee.payload.owner = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        block.deallocate()
    }

    /// Adds the reference that passing the view *to* a receiver transfers (`emit`, `next`):
    /// the receiver releases it once it no longer needs the payload.
    public func retainForTransfer() {
        _ = Unmanaged.passUnretained(self).retain()
    }

    /// The `Data` behind `payload`, when the payload is exactly the bytes of a view made by
    /// this very image (a plugin forwarding its input): the host then reuses its own storage.
    static func ownPayload(of payload: manifold_payload) -> Data? {
        guard let owner = payload.owner, isOwnRelease(payload.release) else { return nil }
        let view = Unmanaged<NativeArtifactView>.fromOpaque(owner).takeUnretainedValue()
        let own = view.pointer.pointee.payload
        guard own.data == payload.data, own.length == payload.length else { return nil }
        return view.payload
    }

    static func isOwnRelease(_ release: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?) -> Bool {
        guard let release else { return false }
        return unsafeBitCast(release, to: UnsafeRawPointer.self) == unsafeBitCast(nativeViewRelease, to: UnsafeRawPointer.self)
    }
}

private let nativeViewRetain: @convention(c) (UnsafeMutableRawPointer?) -> Void = { owner in
    guard let owner else { return }
    _ = Unmanaged<NativeArtifactView>.fromOpaque(owner).retain()
}

private let nativeViewRelease: @convention(c) (UnsafeMutableRawPointer?) -> Void = { owner in
    guard let owner else { return }
    Unmanaged<NativeArtifactView>.fromOpaque(owner).release()
}
