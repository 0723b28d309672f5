import CManifoldABI
import Foundation
import Manifold

/// How an artifact is laid out as a `manifold_artifact` in one block of memory: the struct,
/// then the metadata entries, then every string, then (when copied) the payload bytes.
///
/// Measuring and writing are separate so the block can come from anywhere: a view's own heap
/// block, one reused from the previous call, or the stack for an output that is only lent.
///
/// The layout holds sizes only, not the artifact: copying an `Artifact` into it cost a retain
/// and a release of each of its fields, twice per artifact that crosses the boundary.
struct ArtifactLayout {
    /// The type's text when it has parameters, built once for measuring and writing; nil
    /// for the common `type/subtype`, whose two parts are copied as they are instead.
    let typeText: String?
    /// Whether the payload bytes are copied into the block (else the caller points at them).
    let copiesPayload: Bool
    /// The bytes the block needs.
    let size: Int

    static let alignment = MemoryLayout<manifold_artifact>.alignment

    init(_ artifact: borrowing Artifact, copiesPayload: Bool) {
        self.copiesPayload = copiesPayload
        typeText = artifact.type.parameters.isEmpty ? nil : artifact.type.description
        let typeSize = typeText?.utf8.count ?? (artifact.type.type.utf8.count + 1 + artifact.type.subtype.utf8.count)
        let metadataText = artifact.metadata.isEmpty
            ? 0 : artifact.metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        size = MemoryLayout<manifold_artifact>.stride
            + MemoryLayout<manifold_metadata_entry>.stride * artifact.metadata.count
            + artifact.id.rawValue.utf8.count + typeSize
            + (artifact.origin?.utf8.count ?? 0) + (artifact.correlationID?.utf8.count ?? 0)
            + metadataText + (copiesPayload ? artifact.payload.count : 0)
    }

    /// Writes the view of `artifact` (the one measured) into `block` (at least `size` bytes,
    /// aligned for `manifold_artifact`).
    /// The payload's `data` points into the block when copied, else is NULL; `owner`,
    /// `retain` and `release` are NULL: the caller sets what its block needs.
    func write(_ artifact: borrowing Artifact, into block: UnsafeMutableRawPointer) -> UnsafeMutablePointer<manifold_artifact> {
        // Strings are copied from their own UTF-8 storage: no intermediate byte arrays, as
        // this runs twice per artifact that crosses the plugin boundary.
        let headerSize = MemoryLayout<manifold_artifact>.stride
        let metadata = artifact.metadata
        var cursor = block + headerSize + MemoryLayout<manifold_metadata_entry>.stride * metadata.count
        func place(_ text: String) -> manifold_str {
            var text = text
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
            (entries + placed).initialize(to: manifold_metadata_entry(key: place(key), value: place(value)))
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
        view.id = place(artifact.id.rawValue)
        if let typeText {
            view.type = place(typeText)
        } else {
            let start = cursor
            let length = place(artifact.type.type).length + place("/").length + place(artifact.type.subtype).length
            view.type = manifold_str(data: start.assumingMemoryBound(to: CChar.self), length: length)
        }
        view.origin = place(artifact.origin ?? "")
        view.correlation_id = place(artifact.correlationID ?? "")
        view.metadata = UnsafePointer(entries)
        view.metadata_count = metadata.count
        view.payload.length = artifact.payload.count
        if copiesPayload {
            let start = cursor
            artifact.payload.withUnsafeBytes { source in
                if let base = source.baseAddress { start.copyMemory(from: base, byteCount: source.count) }
            }
            view.payload.data = UnsafePointer(start.assumingMemoryBound(to: UInt8.self))
        }
        view.created_at_unix_nanos = Int64(artifact.createdAt.timeIntervalSince1970 * 1_000_000_000)
        let header = block.bindMemory(to: manifold_artifact.self, capacity: 1)
        header.initialize(to: view)
        return header
    }
}
