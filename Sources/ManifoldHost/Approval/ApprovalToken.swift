import Crypto
import Foundation
import Manifold

/// Approval tokens: `ap-` and ten characters a person can read out and type (Crockford's
/// base 32, no i, l, o or u), from the SHA-256 of the node and the input id.
///
/// Derived, not random, so a resumed run asks for an input it was holding with the token the
/// person already has; 50 bits make two inputs of one run sharing one vanishingly unlikely.
public enum ApprovalToken {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    /// The token of `input` held at `node`.
    public static func make(node: String, input: ArtifactID) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(node.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(input.rawValue.utf8))
        var bits: UInt64 = 0
        for byte in hasher.finalize().prefix(8) { bits = bits << 8 | UInt64(byte) }
        var token = "ap-"
        for index in 0..<10 { token.append(alphabet[Int((bits >> UInt64(59 - 5 * index)) & 31)]) }
        return token
    }

    /// Whether `text` has the form of a token (what `manifold approve` checks before looking it up).
    public static func isWellFormed(_ text: String) -> Bool {
        text.hasPrefix("ap-") && text.count == 13 && text.dropFirst(3).allSatisfy { alphabet.contains($0) }
    }
}
