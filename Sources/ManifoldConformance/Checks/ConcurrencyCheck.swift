import Foundation

/// `concurrent-calls`: a plugin flagged `MANIFOLD_PLUGIN_FLAG_CONCURRENT` gets
/// `limits.concurrentCalls` calls on one instance at once (the sample inputs in turn, each
/// with a correlation id of its own), each on a thread of its own; every one must complete
/// exactly once within the call limit.
enum ConcurrencyCheck {
    static func run(_ context: CheckContext) -> CheckResult {
        let check = ConformanceCheck.concurrentCalls
        let plugin: PluginUnderCheck
        switch context.plugin(for: check) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        guard plugin.descriptor.allowsConcurrentProcessing else {
            return CheckResult(
                check, .skip, "'\(plugin.descriptor.name)' is not flagged MANIFOLD_PLUGIN_FLAG_CONCURRENT: the host gives an instance one input at a time")
        }
        guard plugin.takesInputs else {
            return CheckResult(check, .skip, "a source that declares no input types has no calls to run at once")
        }
        let instance: ProbeInstance
        switch context.instance(for: check) {
        case .failure(let end): return end.result
        case .success(let made): instance = made
        }
        let inputs = context.sampleInputs(plugin)
        let count = context.limits.concurrentCalls
        let limit = context.limits.callTimeLimit
        let started = ContinuousClock.now
        // Each call a conversation of its own, as concurrent inputs of a graph usually are.
        let calls = (0..<count).map { index in
            var input = inputs[index % inputs.count]
            input.correlationID = "check-concurrent-\(index + 1)"
            return instance.start(input)
        }
        let deadline = started + limit
        for (index, running) in calls.enumerated() {
            guard running.call.waitForCompletion(within: max(deadline - .now, .zero)) else {
                let completed = calls.filter { $0.call.isCompleted }.count
                return CheckResult(
                    check, .fail,
                    "call \(index + 1) of \(count) running at once (\(running.call.input.type)) was not completed within "
                        + "\(CheckLimits.describe(limit)); \(completed) of \(count) were" + CheckContext.lastWords(instance))
            }
        }
        let elapsed = ContinuousClock.now - started
        for (index, running) in calls.enumerated()
        where running.returned.wait(timeout: .now() + max(deadline - .now, .zero).timeInterval) != .success {
            return CheckResult(check, .fail, "call \(index + 1) of \(count): process did not return within \(CheckLimits.describe(limit))")
        }
        _ = instance.end(within: limit)
        for (index, running) in calls.enumerated() {
            let completions = running.call.completions.count
            if completions != 1 {
                return CheckResult(check, .fail, "call \(index + 1) of \(count) running at once was completed \(completions) times")
            }
            if running.call.emitsAfterComplete > 0 {
                return CheckResult(check, .fail, "call \(index + 1) of \(count): \(CheckLimits.describe(count: running.call.emitsAfterComplete, "emit")) after complete")
            }
        }
        return CheckResult(
            check, .pass, "\(count) calls at once on one instance each completed exactly once, all within \(CheckLimits.describe(elapsed))")
    }
}
