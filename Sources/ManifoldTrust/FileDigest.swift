import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The SHA-256 of an open file, read through its descriptor, so the bytes hashed are the
/// bytes a later `dlopen("/proc/self/fd/N")` maps.
public enum FileDigest {
    /// Why a file could not be hashed.
    public struct ReadFailure: Error, Sendable {
        /// `strerror` of the failing read.
        public let reason: String
    }

    /// Reads the open file `descriptor` from its current offset to the end and returns its
    /// SHA-256, lowercase hex.
    public static func sha256(ofOpenFile descriptor: Int32) throws(ReadFailure) -> String {
        var hasher = SHA256()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunk)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(reason: String(cString: strerror(errno)))
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
