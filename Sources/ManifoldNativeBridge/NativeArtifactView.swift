import CManifoldABI
import Foundation
import Manifold

/// A `manifold_artifact` laid out in one heap block: what the host hands a plugin as input,
/// and what a Swift plugin hands the host as output.
///
/// One allocation holds the struct, the metadata array and every string and payload byte, so
/// the view stays valid for as long as its owner keeps this object (for an input: until the
/// plugin completes the call), and is freed in one go.
public final class NativeArtifactView {
    /// The view; valid while this object lives.
    public let pointer: UnsafePointer<manifold_artifact>
    private let block: UnsafeMutableRawPointer

    /// Lays `artifact` out as a C view.
    public init(_ artifact: Artifact) {
        // Strings are copied from their own UTF-8 storage: no intermediate byte arrays, as
        // this runs twice per artifact that crosses the plugin boundary.
        var id = artifact.id.rawValue
        var type = artifact.type.description
        var origin = artifact.origin ?? ""
        var correlation = artifact.correlationID ?? ""
        // Sorted keys, so a plugin sees the same order on every run.
        var metadata = artifact.metadata.sorted { $0.key < $1.key }

        let headerSize = MemoryLayout<manifold_artifact>.stride
        let entriesSize = MemoryLayout<manifold_metadata_entry>.stride * metadata.count
        let textSize = id.utf8.count + type.utf8.count + origin.utf8.count + correlation.utf8.count
            + metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        let total = headerSize + entriesSize + textSize + artifact.payload.count
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
        for index in metadata.indices {
            let key = place(&metadata[index].key)
            let value = place(&metadata[index].value)
            (entries + index).initialize(to: manifold_metadata_entry(key: key, value: value))
        }
        var view = manifold_artifact()
        view.struct_size = UInt32(MemoryLayout<manifold_artifact>.size)
        view.id = place(&id)
        view.type = place(&type)
        view.origin = place(&origin)
        view.correlation_id = place(&correlation)
        view.metadata = UnsafePointer(entries)
        view.metadata_count = metadata.count
        let payloadStart = cursor
        artifact.payload.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { payloadStart.copyMemory(from: base, byteCount: bytes.count) }
        }
        view.payload = manifold_bytes(data: payloadStart.assumingMemoryBound(to: UInt8.self), length: artifact.payload.count)
        view.created_at_unix_nanos = Int64(artifact.createdAt.timeIntervalSince1970 * 1_000_000_000)
        let header = block.bindMemory(to: manifold_artifact.self, capacity: 1)
        header.initialize(to: view)
        pointer = UnsafePointer(header)
    }

    deinit {
        block.deallocate()
    }
}

/// Why a C artifact view could not be read.
public struct NativeArtifactError: Error, CustomStringConvertible {
    /// What is wrong with the view.
    public let reason: String

    /// Makes an error.
    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

extension manifold_str {
    /// The text, decoded as UTF-8 (invalid sequences replaced); "" for an empty or NULL string.
    public var string: String {
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}

extension Artifact {
    /// Copies a C artifact view field by field. An empty id gets a fresh one; an empty
    /// origin or correlation id becomes `nil`; a zero creation time becomes now.
    ///
    /// - Throws: `NativeArtifactError` for a missing or malformed type, or a view whose
    ///   `struct_size` is too small to hold the fields of ABI 1.0.
    public init(copying view: UnsafePointer<manifold_artifact>) throws {
        let minimumSize = MemoryLayout<manifold_artifact>.offset(of: \manifold_artifact.correlation_id)!
            + MemoryLayout<manifold_str>.size
        guard Int(view.pointee.struct_size) >= minimumSize else {
            throw NativeArtifactError(
                reason: "artifact struct_size \(view.pointee.struct_size) is smaller than the \(minimumSize) bytes of ABI 1.0")
        }
        let typeText = view.pointee.type.string
        guard !typeText.isEmpty else { throw NativeArtifactError(reason: "emitted artifact has no type") }
        let type: ArtifactType
        do {
            type = try ArtifactType(parsing: typeText)
        } catch {
            throw NativeArtifactError(reason: "emitted artifact has a malformed type: \(error)")
        }
        var metadata: [String: String] = [:]
        if let entries = view.pointee.metadata {
            for index in 0..<view.pointee.metadata_count {
                metadata[entries[index].key.string] = entries[index].value.string
            }
        }
        let payload: Data
        if let bytes = view.pointee.payload.data, view.pointee.payload.length > 0 {
            payload = Data(bytes: bytes, count: view.pointee.payload.length)
        } else {
            payload = Data()
        }
        let id = view.pointee.id.string
        let origin = view.pointee.origin.string
        let correlation = view.pointee.correlation_id.string
        let nanos = view.pointee.created_at_unix_nanos
        self.init(
            id: id.isEmpty ? ArtifactID() : ArtifactID(id), type: type, payload: payload, metadata: metadata,
            createdAt: nanos == 0 ? Date() : Date(timeIntervalSince1970: Double(nanos) / 1_000_000_000),
            origin: origin.isEmpty ? nil : origin, correlationID: correlation.isEmpty ? nil : correlation)
    }
}
