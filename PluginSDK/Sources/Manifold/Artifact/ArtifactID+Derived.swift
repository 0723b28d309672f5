import Synchronization

extension ArtifactID {
    /// The id of the `ordinal`-th output (from 0) that node `node` emitted for the input
    /// `input`: the same three always give the same id, and different ones practically never
    /// do (a 128-bit FNV-1a hash, written in 22 base-62 digits after `d`).
    ///
    /// What makes an input processed twice — after a worker died before acknowledging it —
    /// emit outputs that a broker and the graph's outputs recognise as already seen.
    public init(derivedFrom input: ArtifactID, node: String, ordinal: Int) {
        var hash = FNV128()
        hash.add(input.rawValue.utf8)
        hash.add(0)
        hash.add(node.utf8)
        hash.add(0)
        var number = UInt64(truncatingIfNeeded: ordinal)
        for _ in 0..<8 {
            hash.add(UInt8(truncatingIfNeeded: number))
            number >>= 8
        }
        self.init("d" + hash.base62)
    }
}

/// The 128-bit FNV-1a hash: small, fast, and good enough to tell ids apart (not a
/// cryptographic hash; nothing here needs one).
private struct FNV128 {
    private static let prime: UInt128 = (1 << 88) + 0x13B
    private(set) var value: UInt128 = 0x6C62_272E_07BB_0142_62B8_2175_6295_C58D

    mutating func add(_ byte: UInt8) {
        value ^= UInt128(byte)
        value &*= Self.prime
    }

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { add(byte) }
    }

    /// The hash in 22 base-62 digits (62^22 > 2^128).
    var base62: String {
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var number = value
        var text = [UInt8](repeating: 0, count: 22)
        for index in stride(from: 21, through: 0, by: -1) {
            text[index] = digits[Int(number % 62)]
            number /= 62
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Counts the outputs of one input, for their derived ids.
final class OutputOrdinals: Sendable {
    private let emitted = Atomic<Int>(0)

    /// The place of the next output among the input's outputs (from 0).
    func next() -> Int {
        emitted.add(1, ordering: .relaxed).oldValue
    }
}
