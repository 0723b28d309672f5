import Foundation
import Manifold
import ManifoldLink
import ManifoldWire

/// What the host and an isolated node's worker process say to each other over their socket:
/// `ManifoldWire` frames of the private-use kinds below (docs/wire.md §12). Artifacts travel
/// as ordinary artifact frames, each right after the `process` or `emit` message it belongs to.
enum WorkerMessage: Sendable, Equatable {
    /// Host → worker, first: what to load and how (`WorkerOpening`, as JSON).
    case open(WorkerOpening)
    /// Worker → host: the plugin is loaded and the instance made.
    case ready
    /// Worker → host: loading or `create` failed; the worker exits after it.
    case openFailed(String)
    /// Host → worker: process the artifact frame that follows as call `call`.
    case process(call: UInt64)
    /// Worker → host: call `call` emitted the artifact frame that follows.
    case emit(call: UInt64)
    /// Worker → host: call `call` emitted something malformed; the problem, for the dead letters.
    case reject(call: UInt64, problem: String)
    /// Worker → host: call `call` ended.
    case complete(call: UInt64, outcome: CallOutcome, message: String)
    /// Host → worker: cancel call `call`.
    case cancel(call: UInt64)
    /// Host → worker: `count` more emits of call `call` were published; it may send as many more.
    case emitAck(call: UInt64, count: UInt64)
    /// Either way: a heartbeat, answered with `pong` of the same number by the worker's
    /// reading thread (so a plugin that hogs every other thread still answers).
    case ping(UInt64)
    case pong(UInt64)
    /// Host → worker: start the plugin's source (`manifold.source`) as call `call`: what it
    /// emits comes back as that call's `emit`s, its end as the call's `complete`, and `cancel`
    /// stops it.
    case startSource(call: UInt64)
    /// Host → worker: shut the instance down and exit.
    case shutdown
    /// Worker → host: the instance was shut down and destroyed; the worker exits next.
    case shutdownDone

    /// How a call ended.
    enum CallOutcome: UInt64, Sendable {
        case succeeded = 0
        case cancelled = 1
        case failed = 2
    }

    static let openKind = WireFrameKind(rawValue: 0xA0)
    static let readyKind = WireFrameKind(rawValue: 0xA1)
    static let openFailedKind = WireFrameKind(rawValue: 0xA2)
    static let processKind = WireFrameKind(rawValue: 0xA3)
    static let emitKind = WireFrameKind(rawValue: 0xA4)
    static let rejectKind = WireFrameKind(rawValue: 0xA5)
    static let completeKind = WireFrameKind(rawValue: 0xA6)
    static let cancelKind = WireFrameKind(rawValue: 0xA7)
    static let emitAckKind = WireFrameKind(rawValue: 0xA8)
    static let pingKind = WireFrameKind(rawValue: 0xA9)
    static let pongKind = WireFrameKind(rawValue: 0xAA)
    static let shutdownKind = WireFrameKind(rawValue: 0xAB)
    static let shutdownDoneKind = WireFrameKind(rawValue: 0xAC)
    static let startSourceKind = WireFrameKind(rawValue: 0xAD)

    /// Whether an artifact frame follows this message.
    var carriesArtifact: Bool {
        switch self {
        case .process, .emit: true
        default: false
        }
    }

    /// The message as a wire frame.
    var frame: WireFrame {
        var fields = LinkFieldWriter()
        let kind: WireFrameKind
        switch self {
        case .open(let opening):
            // JSONEncoder cannot fail on these plain Codable values.
            return .control(kind: Self.openKind, header: (try? JSONEncoder().encode(opening)) ?? Data(), body: Data())
        case .ready: kind = Self.readyKind
        case .openFailed(let message):
            kind = Self.openFailedKind
            fields.string(message)
        case .process(let call):
            kind = Self.processKind
            fields.integer(call)
        case .emit(let call):
            kind = Self.emitKind
            fields.integer(call)
        case .reject(let call, let problem):
            kind = Self.rejectKind
            fields.integer(call)
            fields.string(problem)
        case .complete(let call, let outcome, let message):
            kind = Self.completeKind
            fields.integer(call)
            fields.integer(outcome.rawValue)
            fields.string(message)
        case .cancel(let call):
            kind = Self.cancelKind
            fields.integer(call)
        case .emitAck(let call, let count):
            kind = Self.emitAckKind
            fields.integer(call)
            fields.integer(count)
        case .ping(let number):
            kind = Self.pingKind
            fields.integer(number)
        case .pong(let number):
            kind = Self.pongKind
            fields.integer(number)
        case .startSource(let call):
            kind = Self.startSourceKind
            fields.integer(call)
        case .shutdown: kind = Self.shutdownKind
        case .shutdownDone: kind = Self.shutdownDoneKind
        }
        return .control(kind: kind, header: Data(fields.bytes), body: Data())
    }

    /// Reads a control frame.
    ///
    /// - Throws: `LinkError.protocolViolation` for an unknown kind or malformed fields.
    init(kind: WireFrameKind, header: Data) throws(LinkError) {
        if kind == Self.openKind {
            guard let opening = try? JSONDecoder().decode(WorkerOpening.self, from: header) else {
                throw .protocolViolation("an open message is not valid JSON of the expected shape")
            }
            self = .open(opening)
            return
        }
        var fields = LinkFieldReader(header)
        switch kind {
        case Self.readyKind: self = .ready
        case Self.openFailedKind: self = .openFailed(try fields.string())
        case Self.processKind: self = .process(call: try fields.integer())
        case Self.emitKind: self = .emit(call: try fields.integer())
        case Self.rejectKind: self = .reject(call: try fields.integer(), problem: try fields.string())
        case Self.completeKind:
            let call = try fields.integer()
            guard let outcome = CallOutcome(rawValue: try fields.integer()) else {
                throw .protocolViolation("a complete message has an unknown outcome")
            }
            self = .complete(call: call, outcome: outcome, message: try fields.string())
        case Self.cancelKind: self = .cancel(call: try fields.integer())
        case Self.emitAckKind: self = .emitAck(call: try fields.integer(), count: try fields.integer())
        case Self.pingKind: self = .ping(try fields.integer())
        case Self.pongKind: self = .pong(try fields.integer())
        case Self.shutdownKind: self = .shutdown
        case Self.shutdownDoneKind: self = .shutdownDone
        case Self.startSourceKind: self = .startSource(call: try fields.integer())
        default: throw .protocolViolation("unknown worker message kind \(kind)")
        }
        try fields.expectEnd(kind)
    }
}

/// What the host tells a new worker to load: everything needed to load the plugin exactly as
/// the host checked it, and nothing in its command line (the config may hold secrets).
struct WorkerOpening: Sendable, Equatable, Codable {
    /// The plugin manifest the host read.
    var manifest: String
    /// The plugin's name (a library may hold several).
    var plugin: String
    /// The SHA-256 of the library as the host read it: the worker refuses a library that
    /// changed since.
    var sha256: String
    /// The node, for messages and the plugin's logs.
    var node: String
    /// The node's config as JSON text, `${NAME}` values substituted.
    var config: String
    /// Whether files writable by others may be loaded (`--allow-insecure-plugins`).
    var allowInsecurePermissions: Bool
    /// The host's log level name.
    var logLevel: String
    /// Limits applied to the worker before the plugin is loaded.
    var memoryMiB: Int?
    var cpuSeconds: Int?
    var openFiles: Int?
    /// The node's `concurrency`: with 1, the worker runs calls one after another in the order
    /// they were sent, so the host may send queued inputs ahead; above 1, each as it comes.
    var concurrency: Int = 1
}

/// A worker's messages in order, pairing each `process`/`emit` with the artifact frame after it.
struct WorkerMessageReader {
    private var waiting: WorkerMessage?

    /// What a frame completes: a message, with its artifact when it carries one; `nil` while
    /// a message waits for its artifact.
    mutating func take(_ frame: WireFrame) throws(LinkError) -> (WorkerMessage, Artifact?)? {
        switch frame {
        case .artifact(let artifact):
            guard let message = waiting else { throw .protocolViolation("an artifact frame came with no message before it") }
            waiting = nil
            return (message, artifact)
        case .control(let kind, let header, _):
            guard waiting == nil else { throw .protocolViolation("a message came where an artifact frame was expected") }
            let message = try WorkerMessage(kind: kind, header: header)
            if message.carriesArtifact {
                waiting = message
                return nil
            }
            return (message, nil)
        }
    }
}
