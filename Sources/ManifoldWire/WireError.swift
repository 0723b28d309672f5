/// Why bytes could not be decoded as a frame, or an artifact could not be encoded as one.
///
/// A decoder throws one of these for any input, however malformed; it never traps. After a
/// `WireFrameReader` throws, its stream cannot be trusted (lengths may be garbage), so it
/// keeps throwing the same error: close the connection.
public enum WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ends inside a frame: `needed` bytes make the frame (as far as its prefix
    /// tells), `available` were given.
    case truncated(needed: Int, available: Int)
    /// The frame does not start with `WireFormat.magic`; `found` holds the bytes read instead.
    case badMagic(found: [UInt8])
    /// The frame's version byte is one this reader does not support.
    case unsupportedVersion(UInt8, supported: ClosedRange<UInt8>)
    /// A section claims more bytes than the limits allow; nothing was allocated for it.
    case frameTooLarge(section: WireSection, size: UInt64, limit: Int)
    /// The metadata claims more entries than the limits allow.
    case tooManyMetadataEntries(count: UInt64, limit: Int)
    /// A string claims more UTF-8 bytes than the limits allow.
    case stringTooLong(field: String, length: UInt64, limit: Int)
    /// A field (or the frame's structure, `name` = `"frame"`/`"header"`) breaks the format.
    case malformedField(name: String, reason: String)
    /// The type field is not a valid artifact type.
    case invalidType(text: String, reason: String)
    /// An artifact was asked for, but the frame is of another kind.
    case unexpectedFrameKind(WireFrameKind)

    /// The problem and, where there is one, the fix.
    public var description: String {
        switch self {
        case .truncated(let needed, let available):
            return "wire frame truncated: \(available) of \(needed) bytes; the stream ended or the read was cut short"
        case .badMagic(let found):
            let hex = found.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return "not a Manifold wire frame: starts with \(hex), expected 89 4D 46 57; "
                + "check both ends speak this format and the stream was not entered mid-frame"
        case .unsupportedVersion(let version, let supported):
            return "wire format version \(version) is not supported (this reader takes "
                + "\(supported.lowerBound)...\(supported.upperBound)); upgrade the reader or have the writer use an older version"
        case .frameTooLarge(let section, let size, let limit):
            return "wire frame \(section) of \(size) bytes exceeds the limit of \(limit); "
                + "raise WireLimits.\(section == .body ? "maxBodyBytes" : "maxHeaderBytes") on both ends or send less"
        case .tooManyMetadataEntries(let count, let limit):
            return "artifact metadata has \(count) entries, over the limit of \(limit); raise WireLimits.maxMetadataEntries on both ends"
        case .stringTooLong(let field, let length, let limit):
            return "\(field) is \(length) bytes of UTF-8, over the limit of \(limit); raise WireLimits.maxStringBytes on both ends"
        case .malformedField(let name, let reason):
            return "malformed wire frame: \(name): \(reason)"
        case .invalidType(let text, let reason):
            return "wire frame carries an invalid artifact type \"\(text)\": \(reason)"
        case .unexpectedFrameKind(let kind):
            return "expected an artifact frame, got \(kind)"
        }
    }
}

/// The two variable-size sections of a frame.
public enum WireSection: String, Sendable, Hashable, CustomStringConvertible {
    /// The tag-length-value header fields.
    case header
    /// The body (an artifact's payload).
    case body

    /// `header` or `body`.
    public var description: String { rawValue }
}
