import Crypto
import Foundation

/// The SHA-256 a large payload is stored under, once per journal however often it recurs.
enum PayloadDigest {
    static func sha256(_ payload: Data) -> [UInt8] {
        Array(SHA256.hash(data: payload))
    }

    static func hex(_ digest: [UInt8]) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
