import Foundation

/// A span ready to export: what OTLP carries of one.
struct FinishedSpan: Sendable {
    /// OTLP's `SpanKind`.
    enum Kind: Int, Sendable {
        case `internal` = 1
        case server = 2
        case client = 3
        case producer = 4
        case consumer = 5
    }

    /// An attribute's value, as OTLP types them.
    enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case double(Double)
        case bool(Bool)
    }

    var traceID: String
    var spanID: String
    var parentSpanID: String?
    var name: String
    var kind: Kind
    var start: WallTime
    var end: WallTime
    var attributes: [(String, Value)]
    /// `nil` when unset (OK); the message of an error otherwise.
    var error: String?
}

/// Nanoseconds since the Unix epoch, as OTLP stamps spans.
struct WallTime: Sendable, Comparable {
    let nanoseconds: UInt64

    static var now: WallTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return WallTime(nanoseconds: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }

    /// `duration` earlier (not before the epoch).
    func minus(_ duration: Duration) -> WallTime {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        return WallTime(nanoseconds: self.nanoseconds > nanoseconds ? self.nanoseconds - nanoseconds : 0)
    }

    static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
