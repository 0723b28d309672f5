import Manifold
import ManifoldJSON

/// A named entry or exit of a graph: a graph input publishes what callers feed it to its
/// topic; a graph output collects what is published to its topic.
public struct GraphPort: Sendable, Hashable {
    /// Whether the port is one of `inputs` or one of `outputs`.
    public enum Direction: String, Sendable, Hashable {
        /// Under `inputs`: callers feed it, it publishes to its topic.
        case input
        /// Under `outputs`: it collects what is published to its topic.
        case output
    }

    /// Input or output.
    public let direction: Direction
    /// Its key under `inputs` or `outputs`.
    public let name: String
    /// The topic it publishes to (input) or listens to (output).
    public let topic: Topic
    /// The types it feeds or accepts (`*/*` when not given).
    public let types: ArtifactTypeSet
    /// What it is for.
    public let description: String?

    /// `$.inputs.NAME` or `$.outputs.NAME`.
    public var path: String { JSONPath.appending(name, to: direction == .input ? "$.inputs" : "$.outputs") }
    /// `$.inputs.NAME.topic` or `$.outputs.NAME.topic`.
    public var topicPath: String { path + ".topic" }
}

/// The graph's hub settings (`hub` in the manifest).
public struct HubSettings: Sendable, Hashable {
    /// How artifacts travel between nodes.
    public enum Transport: Sendable, Hashable {
        /// Within this process (`ManifoldLink` links hubs from code).
        case inProcess
        /// On a NATS server, by its URL as written (`nats://HOST:PORT`): the run's topics are
        /// subjects there, for other programs to publish to and read.
        case nats(String)

        /// The manifest's text for it.
        public var text: String {
            switch self {
            case .inProcess: "in-process"
            case .nats(let url): url
            }
        }
    }

    /// Queue capacity of each subscription (default 1024).
    public let capacity: Int
    /// What a full queue does (default `block`).
    public let policy: BackpressurePolicy
    /// The transport (default `in-process`).
    public let transport: Transport
    /// On a broker that redelivers: how long a node has to finish an input before the input
    /// is given to another instance (default 30 s).
    public let ackWaitSeconds: Double
    /// On a broker that redelivers: how many times an input is delivered at most before it is
    /// reported lost (default 5).
    public let maxDeliver: Int

    /// Settings; the defaults are the hub's.
    public init(
        capacity: Int = 1024, policy: BackpressurePolicy = .block, transport: Transport = .inProcess,
        ackWaitSeconds: Double = 30, maxDeliver: Int = 5
    ) {
        self.capacity = capacity
        self.policy = policy
        self.transport = transport
        self.ackWaitSeconds = ackWaitSeconds
        self.maxDeliver = maxDeliver
    }
}
