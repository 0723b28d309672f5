import CManifoldABI
import Foundation
import Manifold

extension Artifact {
    /// The smallest `struct_size` an artifact view may declare: `id` and `type` are required,
    /// every later field reads as zero when the writer's struct ends before it.
    public static let minimumViewSize = StructPrefix.size(through: \manifold_artifact.type)

    /// Payloads larger than this are taken without a copy (a reference to the writer's bytes);
    /// smaller ones are copied, which costs less than the reference.
    public static let borrowedPayloadLimit = NativeArtifactView.inlinePayloadLimit

    /// Copies a view that was *lent* to this side (a plugin's input, a downstream output in
    /// `on_emit`): the payload is retained and referenced when large, copied when small.
    ///
    /// `recent` (the reader's cache of the last artifact's metadata and type) saves reading
    /// them again when they repeat.
    ///
    /// - Throws: `NativeArtifactError` for a short struct or a missing or malformed type.
    public init(borrowing pointer: UnsafePointer<manifold_artifact>, recent: RecentArtifactFields? = nil) throws {
        let view = try Self.readView(pointer)
        let payload = view.payload
        let data: Data
        if let own = NativeArtifactView.ownPayload(of: payload) {
            data = own
        } else if payload.length > Self.borrowedPayloadLimit, let retain = payload.retain, let release = payload.release,
            let bytes = payload.data
        {
            retain(payload.owner)
            data = Self.referencing(bytes, count: payload.length, owner: payload.owner, release: release)
        } else {
            data = Self.copying(payload)
        }
        try self.init(view: view, payload: data, recent: recent)
    }

    /// Takes a view that was *given* to this side (`emit`, `next`, a source's `emit`): when
    /// its payload has a `release`, the one reference it carries is now ours, and is released
    /// exactly once, also when the view is refused.
    ///
    /// When the view's type has the same bytes as `knownType`'s text (a plugin's output
    /// usually has its input's type), that type is taken instead of parsing the text again;
    /// `recent` saves reading metadata and type that repeat those of the last artifact read.
    ///
    /// - Throws: `NativeArtifactError` for a short struct or a missing or malformed type.
    public init(
        adopting pointer: UnsafePointer<manifold_artifact>, knownType: KnownArtifactType? = nil,
        recent: RecentArtifactFields? = nil
    ) throws {
        let size = Int(pointer.pointee.struct_size)
        let payload = size >= StructPrefix.size(through: \manifold_artifact.payload)
            ? pointer.pointee.payload : manifold_payload()
        let data: Data
        if let release = payload.release {
            if let own = NativeArtifactView.ownPayload(of: payload) {
                data = own
                release(payload.owner)
            } else if payload.length > Self.borrowedPayloadLimit, let bytes = payload.data {
                data = Self.referencing(bytes, count: payload.length, owner: payload.owner, release: release)
            } else {
                data = Self.copying(payload)
                release(payload.owner)
            }
        } else {
            data = Self.copying(payload)
        }
        try self.init(view: try Self.readView(pointer), payload: data, knownType: knownType, recent: recent)
    }

    private static func readView(_ pointer: UnsafePointer<manifold_artifact>) throws -> manifold_artifact {
        let size = Int(pointer.pointee.struct_size)
        guard size >= minimumViewSize else {
            throw NativeArtifactError(
                reason: "artifact struct_size \(size) is smaller than the \(minimumViewSize) bytes that hold its id and type",
                fix: "set struct_size = sizeof(manifold_artifact)")
        }
        return StructPrefix.read(pointer, declaredSize: size)
    }

    private static func copying(_ payload: manifold_payload) -> Data {
        guard let bytes = payload.data, payload.length > 0 else { return Data() }
        return Data(bytes: bytes, count: payload.length)
    }

    private static func referencing(
        _ bytes: UnsafePointer<UInt8>, count: Int, owner: UnsafeMutableRawPointer?,
        release: @escaping @convention(c) (UnsafeMutableRawPointer?) -> Void
    ) -> Data {
        // Carried as an address: the owner is the writer's, only ever handed back to it.
        let ownerAddress = UInt(bitPattern: owner)
        return Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes), count: count,
            deallocator: .custom { _, _ in release(UnsafeMutableRawPointer(bitPattern: ownerAddress)) })
    }

    private init(
        view: manifold_artifact, payload: Data, knownType: KnownArtifactType? = nil, recent: RecentArtifactFields?
    ) throws {
        let type: ArtifactType
        if let knownType, knownType.matches(view.type) {
            type = knownType.type
        } else if let recent {
            type = try recent.type(view.type)
        } else {
            type = try RecentArtifactFields.parseType(view.type)
        }
        let metadata: [String: String]
        if view.metadata_count > 0 {
            guard let entries = view.metadata else {
                throw NativeArtifactError(
                    reason: "the artifact has metadata_count \(view.metadata_count) but metadata is NULL",
                    fix: "point metadata at metadata_count entries, or set metadata_count to 0")
            }
            metadata = try recent?.metadata(entries, count: view.metadata_count)
                ?? RecentArtifactFields.readMetadata(entries, count: view.metadata_count)
        } else {
            metadata = [:]
        }
        let id = view.id.string
        let origin = view.origin.string
        let correlation = view.correlation_id.string
        let nanos = view.created_at_unix_nanos
        self.init(
            id: id.isEmpty ? ArtifactID() : ArtifactID(id), type: type, payload: payload, metadata: metadata,
            createdAt: nanos == 0 ? Date() : Date(timeIntervalSince1970: Double(nanos) / 1_000_000_000),
            origin: origin.isEmpty ? nil : origin, correlationID: correlation.isEmpty ? nil : correlation)
    }
}
