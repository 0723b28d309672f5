/// The counts and time limits the checks work to. The defaults suit a plugin being checked
/// before release; tests and quick runs lower them.
public struct CheckLimits: Sendable, Equatable {
    /// Rounds of create, shutdown and destroy in `create-destroy-no-leak`.
    public var createDestroyRounds: Int
    /// How long one call (or `create`, `shutdown`, `destroy`) may take to finish.
    public var callTimeLimit: Duration
    /// How soon after cancellation (or a source's `stop`) a call must complete.
    public var cancelTimeLimit: Duration
    /// Calls started at once in `concurrent-calls`.
    public var concurrentCalls: Int

    /// The defaults: 1000 rounds, 10 s per call, 2 s to honour cancellation, 8 calls at once.
    public init(
        createDestroyRounds: Int = 1000, callTimeLimit: Duration = .seconds(10), cancelTimeLimit: Duration = .seconds(2),
        concurrentCalls: Int = 8
    ) {
        self.createDestroyRounds = createDestroyRounds
        self.callTimeLimit = callTimeLimit
        self.cancelTimeLimit = cancelTimeLimit
        self.concurrentCalls = concurrentCalls
    }

    /// How much the process's resident memory may grow over the counted rounds of
    /// `create-destroy-no-leak` (4 MiB): at the default 1000 rounds, a leak of 4 KiB or more
    /// per instance fails; allocator noise and caches filled once stay far below it.
    public static let leakBound = 4 << 20

    /// Rounds run before the resident memory is first measured, so that what a first use
    /// fills once (allocator arenas, the Swift runtime's caches, lazy globals) is not taken
    /// for a leak.
    public static let warmUpRounds = 20

    /// A duration for people: `2 s`, `0.5 s`, `250 ms`.
    public static func describe(_ duration: Duration) -> String {
        let seconds = duration.timeInterval
        if seconds < 0.1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return "\((seconds * 100).rounded() / 100) s"
    }

    /// A count of things for people: `1 input`, `3 inputs`.
    public static func describe(count: Int, _ noun: String) -> String {
        "\(count) \(noun)" + (count == 1 ? "" : "s")
    }

    /// A byte count for people: `512 B`, `12.5 KiB`, `3.2 MiB`.
    public static func describe(bytes: Int) -> String {
        let magnitude = abs(bytes)
        let sign = bytes < 0 ? "-" : ""
        if magnitude < 1024 { return "\(sign)\(magnitude) B" }
        if magnitude < 1 << 20 { return sign + "\((Double(magnitude) / 1024 * 10).rounded() / 10) KiB" }
        return sign + "\((Double(magnitude) / Double(1 << 20) * 10).rounded() / 10) MiB"
    }
}
