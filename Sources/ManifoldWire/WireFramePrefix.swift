import Foundation

/// The fixed 18-byte prefix of a frame, read and checked against the limits before any of the
/// frame's sections is buffered or allocated.
struct WireFramePrefix {
    let kind: WireFrameKind
    let headerLength: Int
    let bodyLength: Int

    /// Every byte of the frame, prefix included.
    var frameSize: Int { WireFormat.prefixSize + headerLength + bodyLength }

    /// Reads the prefix at the start of `bytes`.
    ///
    /// Checks every byte as soon as it is there: garbage fails at its first byte and an
    /// oversized frame as soon as its length arrives, not after a reader has waited for (and
    /// buffered) bytes that will never make a valid frame.
    ///
    /// - Returns: `nil` when fewer than `WireFormat.prefixSize` bytes are given and those are valid so far.
    static func read(_ bytes: UnsafeRawBufferPointer, limits: WireLimits) throws(WireError) -> WireFramePrefix? {
        let magic = WireFormat.magic
        let magicBytes = min(bytes.count, magic.count)
        for index in 0..<magicBytes where bytes[index] != magic[index] {
            throw .badMagic(found: Array(bytes[0..<magicBytes]))
        }
        if bytes.count > WireFormat.versionOffset {
            let version = bytes[WireFormat.versionOffset]
            guard WireFormat.supportedVersions.contains(version) else {
                throw .unsupportedVersion(version, supported: WireFormat.supportedVersions)
            }
        }
        if bytes.count > WireFormat.kindOffset, bytes[WireFormat.kindOffset] == 0 {
            throw .malformedField(name: "kind", reason: "0 is not a frame kind")
        }
        var headerLength = 0
        if bytes.count >= WireFormat.headerLengthOffset + 4 {
            let length = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: WireFormat.headerLengthOffset, as: UInt32.self))
            let limit = limits.effectiveMaxHeaderBytes
            guard UInt64(length) <= UInt64(limit) else {
                throw .frameTooLarge(section: .header, size: UInt64(length), limit: limit)
            }
            headerLength = Int(length)
        }
        guard bytes.count >= WireFormat.prefixSize else { return nil }
        let bodyLength = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: WireFormat.bodyLengthOffset, as: UInt64.self))
        guard bodyLength <= UInt64(limits.effectiveMaxBodyBytes) else {
            throw .frameTooLarge(section: .body, size: bodyLength, limit: limits.effectiveMaxBodyBytes)
        }
        return WireFramePrefix(
            kind: WireFrameKind(rawValue: bytes[WireFormat.kindOffset]), headerLength: headerLength,
            bodyLength: Int(bodyLength))
    }

    /// Decodes the frame this prefix starts, given its whole bytes (`frameSize` of them).
    func decodeFrame(_ frame: UnsafeRawBufferPointer, limits: WireLimits) throws(WireError) -> WireFrame {
        assert(frame.count == frameSize)
        let headerStart = WireFormat.prefixSize
        let bodyStart = headerStart + headerLength
        let header = UnsafeRawBufferPointer(rebasing: frame[headerStart..<bodyStart])
        let body = UnsafeRawBufferPointer(rebasing: frame[bodyStart..<frameSize])
        guard kind == .artifact else {
            return .control(kind: kind, header: Data(header), body: Data(body))
        }
        return .artifact(try ArtifactHeaderDecoder.decode(header: header, payload: Data(body), limits: limits))
    }
}
