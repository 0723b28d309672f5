/// What a frame carries, from the prefix's kind byte.
///
/// Ranges (see `docs/wire.md`):
/// - `0x00`: invalid; a reader refuses it (a zeroed buffer is not a frame).
/// - `0x01`: an artifact (`WireFrame.artifact`).
/// - `0x02`–`0x7F`: reserved for control messages this format will define, such as the ack,
///   credit and heartbeat a process-isolated node needs. A reader that does not know one hands it
///   on as `WireFrame.control` with its sections uninterpreted.
/// - `0x80`–`0xFF`: free for private use between two peers that agree on it; never assigned here.
public struct WireFrameKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The kind byte.
    public let rawValue: UInt8

    /// The kind with this byte. `0` is representable but no reader accepts it.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `0x01`: the frame's header holds an artifact's fields and its body the payload.
    public static let artifact = WireFrameKind(rawValue: 0x01)

    /// Kinds this format reserves for control messages it will define (`0x02`–`0x7F`).
    public static let reservedControl: ClosedRange<UInt8> = 0x02...0x7F

    /// Kinds free for private use between peers that agree on them (`0x80`–`0xFF`).
    public static let privateUse: ClosedRange<UInt8> = 0x80...0xFF

    /// `artifact`, `control(0x02)`, …
    public var description: String {
        self == .artifact ? "artifact" : "control(0x\(String(rawValue, radix: 16, uppercase: true)))"
    }
}
