import CManifoldABI
import Foundation
import Manifold
import Synchronization

/// The metadata and type of the last artifact read from C views on one path (a plugin's
/// outputs, a plugin instance's inputs), reused when the next view holds the same bytes.
///
/// A stream's artifacts mostly carry the same metadata and type from one to the next (a
/// node adds the same keys to every output); comparing the bytes costs a fraction of
/// building a dictionary, hashing its keys and checking the strings' UTF-8 again. A view
/// whose fields differ is read as usual and becomes the new "last".
///
/// Safe from any thread: a reader that finds the cache busy (another thread of a concurrent
/// plugin is reading) reads without it rather than wait.
public final class RecentArtifactFields: Sendable {
    private let last = Mutex(Last())

    public init() {}

    /// The metadata of `entries` (`count` of them), from the cache when the bytes match.
    ///
    /// - Throws: `NativeArtifactError` when a key appears twice.
    public func metadata(_ entries: UnsafePointer<manifold_metadata_entry>, count: Int) throws -> [String: String] {
        if let cached = try last.withLockIfAvailable({ try $0.metadata(entries, count: count) }) { return cached }
        return try Self.readMetadata(entries, count: count)
    }

    /// The type the text `type` names, from the cache when the bytes match.
    ///
    /// - Throws: `NativeArtifactError` for an empty or malformed type.
    public func type(_ text: manifold_str) throws -> ArtifactType {
        if let cached = last.withLockIfAvailable({ $0.cachedType(text) }), let cached { return cached }
        let type = try Self.parseType(text)
        last.withLockIfAvailable { $0.remember(type, text: text) }
        return type
    }

    /// Reads metadata entries into a dictionary.
    ///
    /// - Throws: `NativeArtifactError` when a key appears twice: which one the writer meant
    ///   cannot be known.
    static func readMetadata(_ entries: UnsafePointer<manifold_metadata_entry>, count: Int) throws -> [String: String] {
        var metadata = [String: String](minimumCapacity: count)
        for index in 0..<count {
            let key = entries[index].key.string
            guard metadata.updateValue(entries[index].value.string, forKey: key) == nil else {
                throw NativeArtifactError(
                    reason: "the artifact's metadata has the key '\(key)' twice", fix: "give each metadata key once")
            }
        }
        return metadata
    }

    /// Parses a type read from a view.
    ///
    /// - Throws: `NativeArtifactError` for an empty or malformed type.
    static func parseType(_ text: manifold_str) throws -> ArtifactType {
        let typeText = text.string
        let typeFix = "set type to a concrete media type, e.g. \"text/plain\" or \"application/octet-stream\""
        guard !typeText.isEmpty else { throw NativeArtifactError(reason: "the artifact has no type", fix: typeFix) }
        let type: ArtifactType
        do {
            type = try ArtifactType(parsing: typeText)
        } catch {
            throw NativeArtifactError(reason: "the artifact's type is malformed: \(error)", fix: typeFix)
        }
        guard !type.isWildcard else {
            throw NativeArtifactError(reason: "the artifact's type \(type) is a pattern, not a type", fix: typeFix)
        }
        return type
    }

    private struct Last: ~Copyable {
        /// Metadata larger than this is read every time rather than kept.
        static let keptMetadataBytes = 4096

        /// The keys' and values' bytes, one after the other, in the view's order.
        var metadataBytes: [UInt8] = []
        /// Each key's and value's length, in the same order.
        var metadataLengths: [Int] = []
        var metadata: [String: String] = [:]
        var typeBytes: [UInt8] = []
        var type: ArtifactType?

        mutating func metadata(_ entries: UnsafePointer<manifold_metadata_entry>, count: Int) throws -> [String: String] {
            if count * 2 == metadataLengths.count, matchesMetadata(entries, count: count) { return metadata }
            let read = try RecentArtifactFields.readMetadata(entries, count: count)
            remember(read, entries: entries, count: count)
            return read
        }

        private func matchesMetadata(_ entries: UnsafePointer<manifold_metadata_entry>, count: Int) -> Bool {
            metadataBytes.withUnsafeBytes { kept in
                var offset = 0
                for index in 0..<(count * 2) {
                    let text = index % 2 == 0 ? entries[index / 2].key : entries[index / 2].value
                    let length = metadataLengths[index]
                    guard text.length == length else { return false }
                    if length > 0 {
                        guard let data = text.data, memcmp(kept.baseAddress! + offset, data, length) == 0 else { return false }
                    }
                    offset += length
                }
                return true
            }
        }

        private mutating func remember(_ read: [String: String], entries: UnsafePointer<manifold_metadata_entry>, count: Int) {
            metadataBytes.removeAll(keepingCapacity: true)
            metadataLengths.removeAll(keepingCapacity: true)
            metadata = [:]
            var total = 0
            for index in 0..<count { total += entries[index].key.length + entries[index].value.length }
            guard total <= Self.keptMetadataBytes else { return }
            func keep(_ text: manifold_str) {
                metadataLengths.append(text.length)
                if let data = text.data, text.length > 0 {
                    metadataBytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: text.length))
                }
            }
            for index in 0..<count {
                keep(entries[index].key)
                keep(entries[index].value)
            }
            metadata = read
        }

        func cachedType(_ text: manifold_str) -> ArtifactType? {
            guard let type, text.length == typeBytes.count, text.length > 0, let data = text.data else { return nil }
            return typeBytes.withUnsafeBytes { memcmp($0.baseAddress!, data, text.length) == 0 } ? type : nil
        }

        mutating func remember(_ type: ArtifactType, text: manifold_str) {
            guard let data = text.data, text.length <= 256 else { return }
            typeBytes.removeAll(keepingCapacity: true)
            typeBytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: text.length))
            self.type = type
        }
    }
}
