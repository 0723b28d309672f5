/// The fixed parts of the Manifold wire format, version 1: magic, version, prefix layout and
/// header field tags. `docs/wire.md` is the full specification; this file is its constants.
///
/// A frame is an 18-byte prefix followed by a header section and a body section:
///
/// ```
/// offset  size  field
///      0     4  magic           89 4D 46 57  ("\x89MFW")
///      4     1  version         01
///      5     1  kind            01 = artifact (see WireFrameKind)
///      6     4  header length   UInt32, little-endian
///     10     8  body length     UInt64, little-endian
///     18     H  header          tag-length-value fields (LEB128 tag and length)
///   18+H     B  body            the payload bytes
/// ```
///
/// Why fixed-width lengths in the prefix and LEB128 varints inside the header: a stream reader
/// knows a frame's whole size from exactly 18 bytes, so it checks the limits before buffering
/// anything, and can skip a frame it does not understand without parsing it. Inside the header
/// nearly every length is under 128, so a varint costs one byte where a UInt32 costs four
/// (24 of the 106 header bytes of the example in `docs/wire.md`).
///
/// The first magic byte has its high bit set (as PNG's does), so a 7-bit channel, a text file or
/// a JSON line fed to a reader fails at the first byte instead of being taken for a length.
public enum WireFormat {
    /// The four bytes every frame starts with: `0x89 'M' 'F' 'W'`.
    public static let magic: [UInt8] = [0x89, 0x4D, 0x46, 0x57]
    /// The format version this module writes.
    public static let currentVersion: UInt8 = 1
    /// The format versions this module reads.
    public static let supportedVersions: ClosedRange<UInt8> = 1...1
    /// Size of the fixed prefix before the header section.
    public static let prefixSize = 18

    static let versionOffset = 4
    static let kindOffset = 5
    static let headerLengthOffset = 6
    static let bodyLengthOffset = 10

    /// Seconds from 1970-01-01T00:00:00Z to 2001-01-01T00:00:00Z, the epoch of `created-at`.
    public static let referenceDateUnixOffset: Double = 978_307_200
}

/// Tags of the artifact header's fields (tag-length-value). Unknown tags are skipped by readers.
enum WireFieldTag {
    /// The artifact id, UTF-8. Required.
    static let id: UInt64 = 1
    /// The artifact type's canonical text, UTF-8. Required.
    static let type: UInt64 = 2
    /// Creation time: IEEE 754 binary64, little-endian, seconds since 2001-01-01T00:00:00Z. Required.
    static let createdAt: UInt64 = 3
    /// The producing node, UTF-8. Absent means `nil`; present and empty means `""`.
    static let origin: UInt64 = 4
    /// The correlation id, UTF-8. Absent means `nil`.
    static let correlationID: UInt64 = 5
    /// The metadata map: a varint count, then per entry a varint key length, key, varint value
    /// length, value. Absent means empty.
    static let metadata: UInt64 = 6
}
