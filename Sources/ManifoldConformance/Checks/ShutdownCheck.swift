import CManifoldABI
import Foundation

/// `shutdown-completes`: after some work (each sample input processed, or the source run and
/// stopped), `shutdown` calls `done` exactly once within the call limit, `destroy` returns,
/// and then the library's `deinit` returns.
enum ShutdownCheck {
    static func run(_ context: CheckContext) -> CheckResult {
        let check = ConformanceCheck.shutdownCompletes
        let plugin: PluginUnderCheck
        switch context.plugin(for: check) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        let instance: ProbeInstance
        switch context.instance(for: check) {
        case .failure(let end): return end.result
        case .success(let made): instance = made
        }
        let limit = context.limits.callTimeLimit
        var work = "with no work done"
        if plugin.takesInputs {
            let inputs = context.sampleInputs(plugin)
            for input in inputs {
                let (call, returned) = instance.start(input)
                guard call.waitForCompletion(within: limit), returned.wait(timeout: .now() + limit.timeInterval) == .success else {
                    return CheckResult(check, .skip, "the \(input.type) input did not complete; see process-completes-once")
                }
            }
            work = "after \(CheckLimits.describe(count: inputs.count, "input"))"
        } else if plugin.isSource, let source = ProbeSource(instance), source.start(within: limit) == MANIFOLD_OK {
            source.waitForEmitOrFinish(within: ProcessCheck.sourceWindow(context))
            if !source.isFinished { _ = source.stop(within: limit) }
            guard source.waitForFinish(within: limit) else {
                return CheckResult(check, .skip, "the source did not finish after stop; see honours-cancellation")
            }
            work = "after running its source"
        }
        let started = ContinuousClock.now
        if let failure = instance.end(within: limit) { return CheckResult(check, .fail, "\(work): \(failure)" + CheckContext.lastWords(instance)) }
        let ended = ContinuousClock.now - started
        guard HostThread.run(within: limit, { [library = plugin.library] in library.finish() }) else {
            return CheckResult(check, .fail, "the library's deinit did not return within \(CheckLimits.describe(limit))")
        }
        return CheckResult(
            check, .pass,
            "\(work), shutdown called done once and destroy returned, in \(CheckLimits.describe(ended)); the library's deinit returned")
    }
}
