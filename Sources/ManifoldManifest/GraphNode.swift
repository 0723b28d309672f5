import Manifold
import ManifoldJSON

/// One node of a graph: a generator plugin with its config, its middleware chain, the
/// topics it subscribes to and the topic it publishes to.
public struct GraphNode: Sendable {
    /// The node's id: its key under `nodes` (`[A-Za-z0-9_][A-Za-z0-9_-]*`).
    public let id: String
    /// The generator plugin's name.
    public let plugin: String
    /// The plugin's config (`{}` when not given). In a manifest from `load`/`parse` strings
    /// may hold `${NAME}` references; after `resolvingEnvironment` they hold the values.
    public internal(set) var config: JSONValue
    /// The middleware chain, outermost first.
    public internal(set) var middleware: [GraphMiddleware]
    /// Subscription patterns, in the order written.
    public let subscribe: [TopicPattern]
    /// The topic its outputs are published to; `nil` for a sink.
    public let output: Topic?
    /// How many inputs may be processed at once (at least 1; default 1).
    public let concurrency: Int
    /// What a failed input does (default `continue`).
    public let errorPolicy: ErrorPolicy
    /// Input queue capacity; the hub's when `nil`.
    public let capacity: Int?
    /// Input backpressure policy; the hub's when `nil`.
    public let policy: BackpressurePolicy?
    /// What the node is for.
    public let description: String?
    /// Where the plugin runs; `nil` when the manifest does not say (the plugin manifest's
    /// `runtime` decides, `native` meaning in process).
    public internal(set) var isolation: NodeIsolation?
    /// Limits on the worker process of an isolated node.
    public let limits: ResourceLimits?
    /// How an isolated node's worker is restarted after a crash.
    public let restart: RestartPolicy
    /// How long one input may take, in seconds; `nil` for no limit.
    public let inputTimeoutSeconds: Double?
    /// How many instances of the node each process that runs it starts (at least 1; default
    /// 1): they share the node's inputs, each input processed by one of them.
    public internal(set) var replicas: Int
    /// How many plugin instances the node keeps, and for whom (default: one, shared).
    public let instances: NodeInstances
    /// Most hops an input of one conversation may have made to be processed here; the
    /// graph's `maxHops` applies when `nil` (see `GraphManifest.hopLimit(of:)`).
    public let maxHops: Int?

    /// The config as written in the file, before environment substitution.
    let rawConfig: JSONValue

    init(
        id: String, plugin: String, config: JSONValue, middleware: [GraphMiddleware], subscribe: [TopicPattern], output: Topic?,
        concurrency: Int, errorPolicy: ErrorPolicy, capacity: Int?, policy: BackpressurePolicy?, description: String?,
        isolation: NodeIsolation? = nil, limits: ResourceLimits? = nil, restart: RestartPolicy = .default,
        inputTimeoutSeconds: Double? = nil, replicas: Int = 1, instances: NodeInstances = .shared, maxHops: Int? = nil
    ) {
        self.instances = instances
        self.maxHops = maxHops
        self.replicas = replicas
        self.isolation = isolation
        self.limits = limits
        self.restart = restart
        self.inputTimeoutSeconds = inputTimeoutSeconds
        self.id = id
        self.plugin = plugin
        self.config = config
        self.rawConfig = config
        self.middleware = middleware
        self.subscribe = subscribe
        self.output = output
        self.concurrency = concurrency
        self.errorPolicy = errorPolicy
        self.capacity = capacity
        self.policy = policy
        self.description = description
    }

    /// `$.nodes.ID`.
    public var path: String { JSONPath.appending(id, to: "$.nodes") }
    /// `$.nodes.ID.config`.
    public var configPath: String { JSONPath.appending("config", to: path) }
    /// `$.nodes.ID.subscribe[index]`.
    public func subscriptionPath(_ index: Int) -> String { JSONPath.appending(index: index, to: path + ".subscribe") }
    /// `$.nodes.ID.output`.
    public var outputPath: String { path + ".output" }
    /// `$.nodes.ID.middleware[index]`.
    public func middlewarePath(_ index: Int) -> String { JSONPath.appending(index: index, to: path + ".middleware") }
}

/// One layer of a node's middleware chain.
public struct GraphMiddleware: Sendable {
    /// The middleware plugin's name.
    public let plugin: String
    /// Its config (`{}` when not given); see `GraphNode.config` about `${NAME}`.
    public internal(set) var config: JSONValue
    /// The config as written in the file.
    let rawConfig: JSONValue

    init(plugin: String, config: JSONValue) {
        self.plugin = plugin
        self.config = config
        self.rawConfig = config
    }
}
