import Foundation

/// What a journal holds about one run, without its records.
public struct JournalRun: Sendable, Equatable {
    /// A plugin the run used, as it was when the run started.
    public struct Plugin: Sendable, Equatable, Codable {
        /// Its name.
        public var name: String
        /// Its version.
        public var version: String
        /// Where it was loaded from.
        public var location: String
        /// The SHA-256 of its library, when it has one.
        public var sha256: String?

        /// Makes the description.
        public init(name: String, version: String, location: String, sha256: String?) {
            self.name = name
            self.version = version
            self.location = location
            self.sha256 = sha256
        }
    }

    /// How a run ended, or that it has not.
    public enum Status: String, Sendable, Equatable, CaseIterable {
        /// Still recording — or its process died without saying so (see `isInterrupted`).
        case running
        /// Did all its work.
        case finished
        /// Ended with a failed node or an error.
        case failed
        /// Stopped by a signal (Ctrl-C, SIGTERM) after draining what was in flight.
        case stopped
        /// Ended by its time limit.
        case timedOut = "timed-out"
    }

    /// The run's id.
    public var id: String
    /// The graph's name.
    public var graph: String
    /// The graph manifest's path, as given.
    public var file: String
    /// The working folder the run was started in, which a relative `file` is relative to.
    public var directory: String
    /// The SHA-256 of the graph manifest's bytes when the run started.
    public var graphDigest: String
    /// Its plugins.
    public var plugins: [Plugin]
    /// When it started.
    public var startedAt: Date
    /// When it ended; `nil` while running or after its process died.
    public var endedAt: Date?
    /// Its status as recorded.
    public var status: Status
    /// The host and process that ran it.
    public var host: String
    public var pid: Int32
    /// Artifacts published, inputs settled and failed, artifacts dead-lettered.
    public var published: Int
    public var settled: Int
    public var failed: Int
    public var deadLettered: Int
    /// Bytes of records stored (large payloads not counted: they are shared between runs).
    public var recordBytes: Int

    /// Makes a description of a run that starts now.
    public init(
        id: String, graph: String, file: String, directory: String = FileManager.default.currentDirectoryPath, graphDigest: String,
        plugins: [Plugin], startedAt: Date = Date(), host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()
    ) {
        self.id = id
        self.graph = graph
        self.file = file
        self.directory = directory
        self.graphDigest = graphDigest
        self.plugins = plugins
        self.startedAt = startedAt
        self.endedAt = nil
        self.status = .running
        self.host = host
        self.pid = pid
        self.published = 0
        self.settled = 0
        self.failed = 0
        self.deadLettered = 0
        self.recordBytes = 0
    }

    /// Whether it is recorded as running but its process, on this host, is gone: it was killed
    /// (or crashed) before it could record its end.
    public var isInterrupted: Bool {
        guard status == .running, host == ProcessInfo.processInfo.hostName else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The status to show: `interrupted` for a run whose process died while running.
    public var shownStatus: String { isInterrupted ? "interrupted" : status.rawValue }

    /// The graph manifest's absolute path.
    public var absoluteFile: String {
        file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
    }

    /// How long it ran, up to now when it has not ended.
    public var duration: TimeInterval? {
        endedAt.map { $0.timeIntervalSince(startedAt) }
    }
}
