import Foundation
import Manifold
import ManifoldJSON

/// What one check works with: the opened target, the limits, and the config.
final class CheckContext {
    let load: TargetLoad
    let limits: CheckLimits
    let givenConfig: JSONValue?
    private var chosenConfig: Result<ConfigChoice, ConfigChoice.Unavailable>?

    init(load: TargetLoad, limits: CheckLimits, givenConfig: JSONValue?) {
        self.load = load
        self.limits = limits
        self.givenConfig = givenConfig
    }

    /// The config instances are made with, chosen once (`ConfigChoice`).
    var config: Result<ConfigChoice, ConfigChoice.Unavailable> {
        if let chosenConfig { return chosenConfig }
        guard let plugin = load.plugin else { return .failure(.noneAccepted("no plugin to configure")) }
        let chosen = ConfigChoice.choose(for: plugin, given: givenConfig, limit: limits.callTimeLimit)
        chosenConfig = chosen
        return chosen
    }

    /// The plugin, or the SKIP that says why no plugin can be driven.
    func plugin(for check: ConformanceCheck) -> Result<PluginUnderCheck, CheckEnd> {
        guard let plugin = load.plugin else {
            return .failure(CheckEnd(CheckResult(check, .skip, "cannot run: \(load.unavailable ?? "the plugin did not load") (see loads)")))
        }
        return .success(plugin)
    }

    /// A new instance made with the chosen config, or the result that ends the check: a SKIP
    /// when there is no config, a FAIL when `create` refuses the config it accepted before.
    func instance(for check: ConformanceCheck) -> Result<ProbeInstance, CheckEnd> {
        let plugin: PluginUnderCheck
        switch self.plugin(for: check) {
        case .failure(let end): return .failure(end)
        case .success(let found): plugin = found
        }
        let choice: ConfigChoice
        switch config {
        case .failure(let unavailable): return .failure(CheckEnd(CheckResult(check, .skip, "\(unavailable)")))
        case .success(let chosen): choice = chosen
        }
        switch ProbeInstance.create(plugin, config: choice.config.jsonText, within: limits.callTimeLimit) {
        case .failure(let failure):
            return .failure(CheckEnd(CheckResult(check, .fail, "with the config from \(choice.source): \(failure)")))
        case .success(let instance):
            return .success(instance)
        }
    }

    /// The sample inputs for the plugin's accepted types (`SampleInputs`).
    func sampleInputs(_ plugin: PluginUnderCheck) -> [Artifact] {
        SampleInputs.artifacts(accepting: plugin.descriptor.inputs)
    }

    /// `input` named for a detail line: `input 2 of 3 (chat/message)`.
    static func name(_ index: Int, of count: Int, _ input: Artifact) -> String {
        "input \(index + 1) of \(count) (\(input.type))"
    }

    /// The first plugin log line at warning or error level, quoted for a detail; "" when none.
    static func lastWords(_ instance: ProbeInstance) -> String {
        guard let line = instance.host.loggedLines.last(where: { $0.hasPrefix("error:") || $0.hasPrefix("warning:") }) else { return "" }
        return "; the plugin logged \"\(line)\""
    }
}
