import CManifoldABI
import Foundation
import Manifold

/// `process-completes-once` and `emits-declared-types`: one instance processes one sample
/// input of each accepted type (`SampleInputs`), one at a time, as the host gives them; each
/// call must complete exactly once within the call limit, emit nothing after completing,
/// and emit only well-formed artifacts of the types the plugin declares. A source's own
/// emissions are held to the same types.
enum ProcessCheck {
    static func completesOnce(_ context: CheckContext) -> CheckResult {
        let check = ConformanceCheck.processCompletesOnce
        let calls: [ProbeCall]
        switch processSamples(check, context) {
        case .failure(let end): return end.result
        case .success(let done): calls = done
        }
        var failed = 0
        var firstFailure: String?
        for (index, call) in calls.enumerated() {
            let name = CheckContext.name(index, of: calls.count, call.input)
            let completions = call.completions
            if completions.count != 1 {
                return CheckResult(
                    check, .fail,
                    "\(name) was completed \(completions.count) times (statuses \(completions.map { "\($0.status)" }.joined(separator: ", "))); "
                        + "call complete exactly once, after the last emit")
            }
            if call.emitsAfterComplete > 0 {
                return CheckResult(
                    check, .fail, "\(name): \(CheckLimits.describe(count: call.emitsAfterComplete, "emit")) after complete; the call is invalid once complete returned")
            }
            if let problem = call.problems.first { return CheckResult(check, .fail, "\(name): \(problem)") }
            if completions[0].status != MANIFOLD_OK {
                failed += 1
                firstFailure = firstFailure ?? "\(name): status \(completions[0].status), \"\(completions[0].message)\""
            }
        }
        let types = calls.map { "\($0.input.type)" }.joined(separator: ", ")
        let failures = failed == 0 ? "" : "; \(failed) completed with an error, which is allowed (first: \(firstFailure!))"
        return CheckResult(
            check, .pass,
            "\(CheckLimits.describe(count: calls.count, "input")) (\(types)), each completed exactly once within \(CheckLimits.describe(context.limits.callTimeLimit))\(failures)")
    }

    static func emitsDeclaredTypes(_ context: CheckContext) -> CheckResult {
        let check = ConformanceCheck.emitsDeclaredTypes
        let plugin: PluginUnderCheck
        switch context.plugin(for: check) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        let declared = plugin.declaredOutputs
        var emitted: [(type: ArtifactType, during: String)] = []
        var malformed: [(problem: String, during: String)] = []
        if plugin.takesInputs {
            let calls: [ProbeCall]
            switch processSamples(check, context) {
            case .failure(let end): return end.result
            case .success(let done): calls = done
            }
            for (index, call) in calls.enumerated() {
                let name = CheckContext.name(index, of: calls.count, call.input)
                emitted += call.emittedTypes.map { ($0, name) }
                malformed += call.malformed.map { ($0, name) }
            }
        }
        var sourceNote = ""
        if plugin.isSource {
            switch runSource(check, context) {
            case .failure(let end): return end.result
            case .success(let source):
                emitted += source.emittedTypes.map { ($0, "its source") }
                malformed += source.malformed.map { ($0, "its source") }
                sourceNote = " (its source ran for up to \(CheckLimits.describe(sourceWindow(context))))"
            }
        }
        if let first = malformed.first {
            return CheckResult(check, .fail, "\(first.during): a malformed emit, refused: \(first.problem)")
        }
        if let stray = emitted.first(where: { !declared.accepts($0.type) }) {
            let count = emitted.filter { !declared.accepts($0.type) }.count
            return CheckResult(
                check, .fail,
                "\(stray.during): emitted \(stray.type), which its declared outputs \(declared) do not include "
                    + "(\(CheckLimits.describe(count: count, "such output"))); the host dead-letters them — declare the type or emit another")
        }
        let types = Set(emitted.map { "\($0.type)" }).sorted()
        if emitted.isEmpty { return CheckResult(check, .pass, "emitted nothing\(sourceNote); declared outputs \(declared)") }
        return CheckResult(
            check, .pass, "\(CheckLimits.describe(count: emitted.count, "output")) of \(types.joined(separator: ", ")), all within its declared outputs \(declared)\(sourceNote)")
    }

    /// `forwards-retained-payloads`: an output may hand over a reference to the input's own
    /// payload (zero copies: its `owner` and `release`), but only one the plugin took with
    /// the input's `retain` first; otherwise the host releases the input's payload twice, and
    /// the output's bytes can be freed while it is still being read.
    static func forwardsRetainedPayloads(_ context: CheckContext) -> CheckResult {
        let check = ConformanceCheck.forwardsRetainedPayloads
        let calls: [ProbeCall]
        switch processSamples(check, context) {
        case .failure(let end): return end.result
        case .success(let done): calls = done
        }
        for (index, call) in calls.enumerated() where call.unretainedForwards > 0 {
            let name = CheckContext.name(index, of: calls.count, call.input)
            return CheckResult(
                check, .fail,
                "\(name): \(CheckLimits.describe(count: call.unretainedForwards, "output")) passed the input's payload on by reference "
                    + "(its owner and release) without a reference of its own; call input->payload.retain(input->payload.owner) "
                    + "once per such output before emit, or lend a copy (release NULL)")
        }
        let forwarded = calls.reduce(0) { $0 + $1.forwardsOfInput }
        if forwarded == 0 {
            return CheckResult(check, .pass, "no output passed an input's payload on by reference")
        }
        return CheckResult(
            check, .pass,
            "\(CheckLimits.describe(count: forwarded, "output")) passed the input's payload on by reference, each with a reference retained first")
    }

    /// Makes an instance and processes each sample input in turn, then ends the instance;
    /// the calls, or the result that ends the check (a call not completed in time, a
    /// `process` that never returned).
    static func processSamples(_ check: ConformanceCheck, _ context: CheckContext) -> Result<[ProbeCall], CheckEnd> {
        let plugin: PluginUnderCheck
        switch context.plugin(for: check) {
        case .failure(let end): return .failure(end)
        case .success(let found): plugin = found
        }
        guard plugin.takesInputs else {
            return .failure(CheckEnd(CheckResult(check, .skip, "a source that declares no input types: it has no calls to process")))
        }
        let instance: ProbeInstance
        switch context.instance(for: check) {
        case .failure(let end): return .failure(end)
        case .success(let made): instance = made
        }
        let inputs = context.sampleInputs(plugin)
        let limit = context.limits.callTimeLimit
        var calls: [ProbeCall] = []
        for (index, input) in inputs.enumerated() {
            let (call, returned) = instance.start(input)
            let name = CheckContext.name(index, of: inputs.count, input)
            guard call.waitForCompletion(within: limit) else {
                let stuck = returned.wait(timeout: .now()) == .success ? "process returned" : "process has not returned"
                return .failure(CheckEnd(CheckResult(
                    check, .fail,
                    "\(name) was not completed within \(CheckLimits.describe(limit)) (\(stuck)); every call must end with one complete"
                        + CheckContext.lastWords(instance))))
            }
            guard returned.wait(timeout: .now() + limit.timeInterval) == .success else {
                return .failure(CheckEnd(CheckResult(
                    check, .fail, "\(name): process did not return within \(CheckLimits.describe(limit)), though the call completed")))
            }
            calls.append(call)
        }
        // Ended before the calls are judged: a late second complete or emit lands by then.
        _ = instance.end(within: limit)
        return .success(calls)
    }

    /// How long a source is watched for emissions: the call limit, at most 2 s.
    static func sourceWindow(_ context: CheckContext) -> Duration {
        min(context.limits.callTimeLimit, .seconds(2))
    }

    /// Starts the instance's source, lets it run until it finished or `sourceWindow` passed
    /// (with `untilFirstEmit`, only until its first emit), stops it and waits for
    /// `finished`; the source, or the result that ends the check: a `start` or `stop` that
    /// blocks, a `finished` that never comes or comes twice, an emit after it.
    static func runSource(_ check: ConformanceCheck, _ context: CheckContext, untilFirstEmit: Bool = false) -> Result<ProbeSource, CheckEnd> {
        let instance: ProbeInstance
        switch context.instance(for: check) {
        case .failure(let end): return .failure(end)
        case .success(let made): instance = made
        }
        let limit = context.limits.callTimeLimit
        guard let source = ProbeSource(instance) else {
            return .failure(CheckEnd(CheckResult(check, .fail, "it declares manifold.source, but get_extension gives no usable manifold_plugin_source")))
        }
        guard let started = source.start(within: limit) else {
            return .failure(CheckEnd(CheckResult(check, .fail, "the source's start did not return within \(CheckLimits.describe(limit)); start a thread instead")))
        }
        guard started == MANIFOLD_OK else {
            return .failure(CheckEnd(CheckResult(check, .fail, "the source's start failed with status \(started)\(CheckContext.lastWords(instance))")))
        }
        if untilFirstEmit {
            source.waitForEmitOrFinish(within: sourceWindow(context))
        } else {
            _ = source.waitForFinish(within: sourceWindow(context))
        }
        if !source.isFinished {
            guard source.stop(within: limit) else {
                return .failure(CheckEnd(CheckResult(check, .fail, "the source's stop did not return within \(CheckLimits.describe(limit))")))
            }
        }
        let stopLimit = context.limits.cancelTimeLimit
        guard source.waitForFinish(within: stopLimit) else {
            return .failure(CheckEnd(CheckResult(
                check, .fail,
                "the source did not call finished within \(CheckLimits.describe(stopLimit)) of stop; stop must end it promptly"
                    + CheckContext.lastWords(instance))))
        }
        _ = instance.end(within: limit)
        if source.finishes.count > 1 {
            return .failure(CheckEnd(CheckResult(check, .fail, "the source called finished \(source.finishes.count) times; call it exactly once")))
        }
        if source.emitsAfterFinish > 0 {
            return .failure(CheckEnd(CheckResult(check, .fail, "the source emitted \(CheckLimits.describe(count: source.emitsAfterFinish, "time")) after calling finished")))
        }
        return .success(source)
    }
}
