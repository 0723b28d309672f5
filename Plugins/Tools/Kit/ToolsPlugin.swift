import Manifold
import ManifoldContracts
import ManifoldFFI
import ManifoldJSON
import ManifoldPluginKit

/// `tools`: runs C functions from shared libraries as tools, through libffi.
///
/// Every tool is bound when the node is created, so a wrong signature, library or symbol
/// fails `create` with a message naming the tool. A `tool/call` gets a `tool/result`: the
/// value, or `isError: true` with a message the model can act on (wrong argument types or
/// counts, values out of range, an unknown tool); a call never crashes the node. A
/// `tool/list` gets one `tool/catalog` with every tool's name, description and schema.
///
/// A tool is code the model may run at any time with any arguments it likes. A tool whose
/// symbol is on the list of `DangerousSymbols` (processes, files, the environment, raw
/// memory, …) is refused at create unless its config says `"unsafe": true`, and logged as a
/// warning when it does.
///
/// C functions run on the node's own `ForeignCallPool` (config `threads`, `maxQueuedCalls`),
/// never on the Swift concurrency pool: a function that blocks holds one of those threads,
/// not the runtime. A call that finds every thread busy waits; past the queue's limit it is
/// answered with an error result. The shutdown report counts both.
public struct ToolsPlugin: GeneratorPlugin {
    /// The config type.
    public typealias Configuration = ToolsConfiguration

    /// The descriptor: name `tools`, its ports and config schema.
    public static let info = PluginInfo(
        name: "tools", version: "1.0.0",
        summary: "Runs C functions from shared libraries as tools (libffi); answers tool/call and tool/list.",
        ports: PortTypes(inputs: [.toolCall, ArtifactType.toolList], outputs: [.toolResult, ArtifactType.toolCatalog]),
        configSchema: ToolsConfigSchema.schema,
        allowsConcurrentProcessing: true)

    private let tools: [BoundTool]
    private let byName: [String: BoundTool]
    private let counts = ToolsStatistics()
    private let log: @Sendable (PluginHost.LogLevel, String) -> Void
    /// The threads the C functions run on.
    private let pool: ForeignCallPool

    /// Makes the plugin for a node.
    public init(configuration: Configuration, host: PluginHost) throws {
        try self.init(configuration: configuration, log: { level, message in host.log(level, message) })
    }

    /// Makes the plugin in-process, binding every tool.
    ///
    /// - Parameters:
    ///   - executableDirectory: the last folder searched for bare library names; the running
    ///     executable's folder by default.
    ///   - log: receives a warning for each tool granted `"unsafe": true`, and the shutdown report.
    /// - Throws: `ConfigurationError` naming `config.tools[i]`, the tool and the fix.
    public init(
        configuration: Configuration, executableDirectory: String? = nil,
        log: @escaping @Sendable (PluginHost.LogLevel, String) -> Void = { _, _ in }
    ) throws {
        guard !configuration.tools.isEmpty else {
            throw ConfigurationError(message: "config.tools is empty: list at least one tool")
        }
        let threads = configuration.threads ?? ForeignCallPool.defaultThreadLimit
        guard Configuration.threadRange.contains(threads) else {
            throw ConfigurationError(
                message: "config.threads is \(threads): give \(Configuration.threadRange.lowerBound) to \(Configuration.threadRange.upperBound) threads")
        }
        let queueLimit = configuration.maxQueuedCalls ?? ForeignCallPool.defaultQueueLimit
        guard Configuration.queueRange.contains(queueLimit) else {
            throw ConfigurationError(
                message: "config.maxQueuedCalls is \(queueLimit): give \(Configuration.queueRange.lowerBound) to \(Configuration.queueRange.upperBound)")
        }
        let resolver = LibraryResolver(
            searchPaths: configuration.libraryPaths ?? [],
            executableDirectory: executableDirectory ?? LibraryResolver.currentExecutableDirectory,
            allowInsecureLibraries: configuration.allowInsecureLibraries ?? false)
        var tools: [BoundTool] = []
        var byName: [String: BoundTool] = [:]
        for (index, spec) in configuration.tools.enumerated() {
            guard byName[spec.name] == nil else {
                throw ConfigurationError(
                    message: "config.tools[\(index)] ('\(spec.name)'): the name is used twice; tool names must be unique")
            }
            let tool = try BoundTool.bind(spec, index: index, resolver: resolver)
            tools.append(tool)
            byName[tool.name] = tool
        }
        self.tools = tools
        self.byName = byName
        self.log = log
        self.pool = ForeignCallPool(threads: threads, queueLimit: queueLimit, name: "manifold-tools")
        for (index, tool) in tools.enumerated() {
            guard let group = tool.dangerousGroup else { continue }
            log(
                .warning,
                "tools: tool '\(tool.name)' (config.tools[\(index)]) calls '\(tool.function.symbol)', which can \(group.risk); "
                    + "it is granted with \"unsafe\": true, and the model may run it at any time with any arguments")
        }
    }

    /// The tools' names, in config order.
    public var toolNames: [String] { tools.map(\.name) }

    /// The catalog entries, as a `tool/catalog` carries them.
    public var catalog: [ToolCatalogEntry] { tools.map(\.catalogEntry) }

    /// Answers a `tool/call` with a `tool/result`, or a `tool/list` with a `tool/catalog`.
    ///
    /// - Throws: `ToolsError` only for inputs no result can answer (no id or name, another type).
    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        if ArtifactType.toolCall.accepts(input.type) {
            let call: ToolCallRequest
            do {
                call = try ToolArtifacts.call(in: input)
            } catch {
                counts.update { $0.rejectedInputs += 1 }
                throw error
            }
            try await context.emit(try await answer(call, correlationID: input.correlationID))
        } else if ArtifactType.toolList.accepts(input.type) {
            counts.update { $0.catalogs += 1 }
            try await context.emit(ToolArtifacts.catalog(tools, correlationID: input.correlationID))
        } else {
            counts.update { $0.rejectedInputs += 1 }
            throw ToolsError.unsupportedInput(artifact: input.id, type: input.type)
        }
    }

    /// Stops the threads (a C call still running ends on its own) and logs how many calls
    /// ran, failed, waited for a thread and were refused.
    public func shutdown() async {
        pool.shutdown()
        let counts = counts.snapshot
        log(
            .info,
            "tools: \(counts.calls) calls, \(counts.failedCalls) answered with an error (\(counts.unknownTools) to unknown tools), "
                + "\(counts.catalogs) catalogs sent, \(counts.rejectedInputs) inputs rejected; \(pool.statistics)")
    }

    /// What the threads of this node's C calls have done.
    package var callStatistics: ForeignCallPoolStatistics { pool.statistics }

    /// Runs one call; every failure becomes an error result, except cancellation, which ends
    /// the work on the input.
    private func answer(_ call: ToolCallRequest, correlationID: String?) async throws -> Artifact {
        counts.update { $0.calls += 1 }
        guard let tool = byName[call.name] else {
            counts.update {
                $0.failedCalls += 1
                $0.unknownTools += 1
            }
            return ToolArtifacts.failure(
                "unknown tool '\(call.name)'; the known tools are \(toolNames.joined(separator: ", "))",
                for: call, correlationID: correlationID)
        }
        do {
            let value = try await tool.function.call(try arguments(of: call), on: pool)
            return ToolArtifacts.success(value, for: call, correlationID: correlationID)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            counts.update { $0.failedCalls += 1 }
            return ToolArtifacts.failure("\(error)", for: call, correlationID: correlationID)
        }
    }

    /// The call's arguments as JSON: a string is parsed as JSON text, absence means none.
    private func arguments(of call: ToolCallRequest) throws -> JSONValue {
        guard let parsed = call.parsedArguments else {
            throw InvalidArguments(tool: call.name, text: call.arguments.stringValue ?? "")
        }
        return parsed
    }
}

/// Arguments given as text that is not JSON.
struct InvalidArguments: Error, CustomStringConvertible {
    let tool: String
    let text: String

    var description: String {
        "tool '\(tool)': the arguments are not valid JSON (\(text.prefix(120))); send a JSON object with one member per parameter"
    }
}
