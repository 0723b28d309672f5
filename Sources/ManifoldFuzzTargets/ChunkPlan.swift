/// Ways of cutting one input into the chunks a stream reader is fed: a network read may end
/// anywhere, so every reader must give the same result whatever the cuts.
///
/// The cuts are derived from the input's own bytes (an FNV-1a hash seeds the generator), so a
/// saved crash replays exactly, without a seed on the side.
struct ChunkPlan {
    /// Offsets where chunks end, the last one the input's length.
    let ends: [Int]

    /// The chunks of `bytes` this plan cuts.
    func chunks(of bytes: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        var start = 0
        return ends.map { end in
            defer { start = end }
            return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        }
    }

    /// The whole input as one chunk (none for an empty input).
    static func whole(_ count: Int) -> ChunkPlan {
        ChunkPlan(ends: count == 0 ? [] : [count])
    }

    /// One byte per chunk.
    static func byteByByte(_ count: Int) -> ChunkPlan {
        ChunkPlan(ends: Array(stride(from: 1, through: count, by: 1)))
    }

    /// Chunks of 1 to 64 bytes, with an empty chunk now and then (a read may return none).
    static func scattered(_ bytes: UnsafeRawBufferPointer) -> ChunkPlan {
        var random = SplitMix64(seed: fnv1a(bytes))
        var ends: [Int] = []
        var offset = 0
        while offset < bytes.count {
            let draw = random.next()
            let size = draw % 16 == 0 ? 0 : Int((draw >> 32) % 64) + 1
            offset = min(bytes.count, offset + size)
            ends.append(offset)
        }
        return ChunkPlan(ends: ends)
    }

    /// The three plans every stream target compares.
    static func all(_ bytes: UnsafeRawBufferPointer) -> [(name: String, plan: ChunkPlan)] {
        [("whole", whole(bytes.count)), ("byte by byte", byteByByte(bytes.count)), ("scattered", scattered(bytes))]
    }
}

/// A small deterministic generator (SplitMix64): reproducible cuts and settings from a seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// The 64-bit FNV-1a hash of `bytes`.
func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return hash
}
