import ManifoldJSON

/// Runs one check in this process: what the child process of `manifold check-plugin` does.
/// THIS RUNS THE PLUGIN'S CODE; a plugin that crashes, exits or hangs takes this process
/// with it, which is why each check runs in a process of its own.
public enum ConformanceRunner {
    /// What a check's process reports: the result, and what it learnt of the target on the
    /// way (the parent lists a library's plugins from the `loads` report).
    public struct Report: Sendable {
        /// The check's result.
        public var result: CheckResult
        /// The library, resolved, once found.
        public var library: String?
        /// The manifest that describes the plugin, if any.
        public var manifest: String?
        /// The library's plugins, in factory order, once it opened.
        public var plugins: [String]
        /// The plugin the check ran on, once chosen.
        public var checked: String?
        /// Why `--config` cannot be used (it does not match the schema, or `create` refuses
        /// it): the user's to fix, so the command stops there.
        public var configProblem: String?

        /// The report as one JSON object: the result's members, and `library`, `manifest`,
        /// `plugins`, `configProblem` when known.
        public var json: JSONValue {
            var members = result.json.objectValue ?? JSONObject()
            if let library { members["library"] = .string(library) }
            if let manifest { members["manifest"] = .string(manifest) }
            members["plugins"] = .array(plugins.map { .string($0) })
            if let checked { members["checked"] = .string(checked) }
            if let configProblem { members["configProblem"] = .string(configProblem) }
            return .object(members)
        }

        /// Reads `json`; `nil` for anything else.
        public init?(json: JSONValue) {
            guard let result = CheckResult(json: json) else { return nil }
            self.result = result
            library = json["library"]?.stringValue
            manifest = json["manifest"]?.stringValue
            plugins = json["plugins"]?.arrayValue?.compactMap(\.stringValue) ?? []
            checked = json["checked"]?.stringValue
            configProblem = json["configProblem"]?.stringValue
        }

        /// A report of `result` alone, for a check whose process learnt nothing else (it
        /// crashed, say).
        public init(result: CheckResult) {
            self.result = result
            plugins = []
        }

        init(result: CheckResult, load: TargetLoad, configProblem: String?) {
            self.result = result
            library = load.libraryPath
            manifest = load.manifestFile
            plugins = load.pluginNames
            checked = load.plugin?.descriptor.name
            self.configProblem = configProblem
        }
    }

    /// Opens `target` and runs `check` on it.
    ///
    /// - Parameter config: the config to make instances with (`--config`); `nil` lets the
    ///   checker choose one from the schema (`ConfigChoice`).
    public static func run(_ check: ConformanceCheck, target: ConformanceTarget, config: JSONValue?, limits: CheckLimits) -> Report {
        let load = TargetLoad(target)
        let context = CheckContext(load: load, limits: limits, givenConfig: config)
        let result: CheckResult
        switch check {
        case .loads: result = LoadsCheck.run(context)
        case .descriptorMatchesManifest: result = DescriptorCheck.run(context)
        case .configSchemaValid: result = ConfigSchemaCheck.run(context)
        case .emptyConfig: result = EmptyConfigCheck.run(context)
        case .createDestroyNoLeak: result = CreateDestroyCheck.run(context)
        case .processCompletesOnce: result = ProcessCheck.completesOnce(context)
        case .emitsDeclaredTypes: result = ProcessCheck.emitsDeclaredTypes(context)
        case .forwardsRetainedPayloads: result = ProcessCheck.forwardsRetainedPayloads(context)
        case .honoursCancellation: result = CancellationCheck.honoured(context)
        case .reentrantCancel: result = CancellationCheck.reentrant(context)
        case .concurrentCalls: result = ConcurrencyCheck.run(context)
        case .shutdownCompletes: result = ShutdownCheck.run(context)
        }
        // `--config` is checked once, by `loads`: a config the user got wrong stops the
        // command before any other check.
        var configProblem: String?
        if check == .loads, config != nil, load.plugin != nil, case .failure(let unavailable) = context.config {
            configProblem = "\(unavailable)"
        }
        return Report(result: result, load: load, configProblem: configProblem)
    }
}
