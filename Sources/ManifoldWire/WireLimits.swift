/// Bounds a decoder enforces (and an encoder checks, so it never writes what a peer with the
/// same limits refuses). Every claimed size is compared with these before anything is allocated.
public struct WireLimits: Sendable, Hashable {
    /// Largest body (payload) in bytes. Default 64 MiB.
    public var maxBodyBytes: Int
    /// Largest header section in bytes. Default 4 MiB; the format caps it at 2^32 − 1.
    public var maxHeaderBytes: Int
    /// Most metadata entries in one artifact. Default 4096.
    public var maxMetadataEntries: Int
    /// Longest single string (id, type, origin, correlation id, metadata key or value), in
    /// UTF-8 bytes. Default 1 MiB.
    public var maxStringBytes: Int

    /// Limits with the given bounds; each must be zero or more.
    public init(
        maxBodyBytes: Int = 64 << 20,
        maxHeaderBytes: Int = 4 << 20,
        maxMetadataEntries: Int = 4096,
        maxStringBytes: Int = 1 << 20
    ) {
        precondition(
            maxBodyBytes >= 0 && maxHeaderBytes >= 0 && maxMetadataEntries >= 0 && maxStringBytes >= 0,
            "WireLimits must not be negative")
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxMetadataEntries = maxMetadataEntries
        self.maxStringBytes = maxStringBytes
    }

    /// 64 MiB body, 4 MiB header, 4096 metadata entries, 1 MiB strings.
    public static let `default` = WireLimits()

    /// The header limit as the format can express it (the header length is a UInt32).
    var effectiveMaxHeaderBytes: Int { min(maxHeaderBytes, Int(UInt32.max)) }
    /// The body limit, kept far enough below `Int.max` that a frame's size never overflows.
    var effectiveMaxBodyBytes: Int { min(maxBodyBytes, Int.max >> 1) }
}
