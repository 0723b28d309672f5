import Foundation

/// A wall-clock instant taken cheaply when an event happens, formatted later (and off the
/// run's threads) as an RFC 3339 UTC time with milliseconds: `2026-11-30T06:50:12.345Z`.
public struct EventTimestamp: Sendable, Hashable {
    /// Seconds since 1970-01-01 UTC.
    public var seconds: Int
    /// Milliseconds within the second.
    public var milliseconds: Int

    /// Now, from the real-time clock (a vDSO call, no allocation).
    public static func now() -> EventTimestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return EventTimestamp(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// The instant `date` stands for.
    public init(_ date: Date) {
        let total = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = total >= 0 ? total / 1000 : (total - 999) / 1000
        self.init(seconds: seconds, milliseconds: total - seconds * 1000)
    }

    /// Makes an instant.
    public init(seconds: Int, milliseconds: Int) {
        self.seconds = seconds
        self.milliseconds = milliseconds
    }
}

/// Formats `EventTimestamp`s, reusing the date and time part while the second is the same
/// (a busy run logs thousands of events per second).
public struct EventTimestampFormatter: Sendable {
    private var cachedSecond = Int.min
    private var cachedPrefix = ""

    /// A formatter.
    public init() {}

    /// `timestamp` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public mutating func format(_ timestamp: EventTimestamp) -> String {
        if timestamp.seconds != cachedSecond {
            var time = time_t(timestamp.seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            cachedPrefix = Self.digits(Int(parts.tm_year) + 1900, 4) + "-" + Self.digits(Int(parts.tm_mon) + 1, 2) + "-"
                + Self.digits(Int(parts.tm_mday), 2) + "T" + Self.digits(Int(parts.tm_hour), 2) + ":"
                + Self.digits(Int(parts.tm_min), 2) + ":" + Self.digits(Int(parts.tm_sec), 2) + "."
            cachedSecond = timestamp.seconds
        }
        return cachedPrefix + Self.digits(timestamp.milliseconds, 3) + "Z"
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
