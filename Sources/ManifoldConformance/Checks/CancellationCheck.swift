import Foundation
import Manifold

/// `honours-cancellation` and `reentrant-cancel`: a cancelled call completes within the
/// cancellation limit, however the cancellation reaches it.
///
/// A middleware's `next` is played by a chain still working when the cancellation comes
/// (`ProbeCall.Downstream.untilCancelled`), which ends with `MANIFOLD_CANCELLED` once the
/// call or the `next` is cancelled, as the host's chain does.
enum CancellationCheck {
    /// How long a call runs before it is cancelled: long enough for `process` to have
    /// started its work, short enough that slow work is still running.
    static let settle: Duration = .milliseconds(50)

    static func honoured(_ context: CheckContext) -> CheckResult {
        let check = ConformanceCheck.honoursCancellation
        let plugin: PluginUnderCheck
        switch context.plugin(for: check) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        let cancelLimit = context.limits.cancelTimeLimit
        guard plugin.takesInputs else {
            switch ProcessCheck.runSource(check, context, untilFirstEmit: true) {
            case .failure(let end): return end.result
            case .success(let source):
                guard let latency = source.finishAfterStop else {
                    return CheckResult(check, .pass, "its source finished on its own before it could be stopped")
                }
                return CheckResult(
                    check, .pass, "its source finished \(CheckLimits.describe(latency)) after stop (limit \(CheckLimits.describe(cancelLimit)))")
            }
        }
        let instance: ProbeInstance
        switch context.instance(for: check) {
        case .failure(let end): return end.result
        case .success(let made): instance = made
        }
        let inputs = context.sampleInputs(plugin)
        let callLimit = context.limits.callTimeLimit
        var latencies: [Duration] = []
        var calls: [ProbeCall] = []
        for (index, input) in inputs.enumerated() {
            let name = CheckContext.name(index, of: inputs.count, input)
            let (call, returned) = instance.start(input, downstream: .untilCancelled(limit: callLimit))
            calls.append(call)
            if returned.wait(timeout: .now() + settle.timeInterval) == .success { returned.signal() }
            // From a thread of its own, as the host cancels: a cancel handler that blocks is
            // then reported at the limit below instead of stalling the check.
            if !call.isCompleted { _ = HostThread.start { call.cancel() } }
            guard call.waitForCompletion(within: cancelLimit) else {
                return CheckResult(
                    check, .fail,
                    "\(name) was cancelled while running and not completed within \(CheckLimits.describe(cancelLimit)); "
                        + "register a handler with on_cancel (or poll is_cancelled) and complete promptly" + CheckContext.lastWords(instance))
            }
            if !call.completedBeforeCancel, let latency = call.completionAfterCancel { latencies.append(latency) }
            guard returned.wait(timeout: .now() + callLimit.timeInterval) == .success else {
                return CheckResult(check, .fail, "\(name): process did not return within \(CheckLimits.describe(callLimit))")
            }
        }
        _ = instance.end(within: callLimit)
        if let failure = onceEach(calls, inputs: inputs.count, how: "after it was cancelled") { return CheckResult(check, .fail, failure) }
        guard let slowest = latencies.max() else {
            return CheckResult(
                check, .pass,
                (inputs.count == 1 ? "the input" : "each of the \(inputs.count) inputs")
                    + " completed within \(CheckLimits.describe(settle)), before it could be cancelled")
        }
        return CheckResult(
            check, .pass,
            "\(latencies.count) of \(CheckLimits.describe(count: inputs.count, "input")) cancelled while running; each completed within \(CheckLimits.describe(slowest)) "
                + "of cancellation (limit \(CheckLimits.describe(cancelLimit)))")
    }

    static func reentrant(_ context: CheckContext) -> CheckResult {
        let check = ConformanceCheck.reentrantCancel
        let plugin: PluginUnderCheck
        switch context.plugin(for: check) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        guard plugin.takesInputs else {
            return CheckResult(check, .skip, "a source that declares no input types has no calls to cancel (honours-cancellation stops it)")
        }
        let instance: ProbeInstance
        switch context.instance(for: check) {
        case .failure(let end): return end.result
        case .success(let made): instance = made
        }
        let inputs = context.sampleInputs(plugin)
        let callLimit = context.limits.callTimeLimit
        let cancelLimit = context.limits.cancelTimeLimit
        var calls: [ProbeCall] = []
        var cancelledInsideEmit = 0
        for (index, input) in inputs.enumerated() {
            let name = CheckContext.name(index, of: inputs.count, input)
            func finish(_ call: ProbeCall, _ returned: DispatchSemaphore, within limit: Duration, _ how: String) -> CheckResult? {
                calls.append(call)
                guard call.waitForCompletion(within: limit) else {
                    return CheckResult(
                        check, .fail,
                        "\(name), \(how), was not completed within \(CheckLimits.describe(limit)) (a deadlock between the cancel handler "
                            + "and complete or emit?)" + CheckContext.lastWords(instance))
                }
                guard returned.wait(timeout: .now() + callLimit.timeInterval) == .success else {
                    return CheckResult(check, .fail, "\(name), \(how): process did not return within \(CheckLimits.describe(callLimit))")
                }
                return nil
            }
            // Already cancelled: the handler runs inside the plugin's own on_cancel.
            let early = instance.start(input, downstream: .untilCancelled(limit: callLimit), cancelledBeforehand: true)
            if let failure = finish(early.call, early.returned, within: cancelLimit, "already cancelled when process was called") {
                return failure
            }
            // Cancelled inside the plugin's first emit: the handler runs inside its own emit.
            let inside = instance.start(input, cancelsInsideEmit: true)
            if let failure = finish(inside.call, inside.returned, within: callLimit, "cancelled inside its own emit") { return failure }
            if inside.call.isCancelled {
                cancelledInsideEmit += 1
                if let latency = inside.call.completionAfterCancel, latency > cancelLimit {
                    return CheckResult(
                        check, .fail,
                        "\(name), cancelled inside its own emit, completed \(CheckLimits.describe(latency)) later (limit \(CheckLimits.describe(cancelLimit)))")
                }
            }
            // Cancelled by two host threads at the same moment.
            let twice = instance.start(input, downstream: .untilCancelled(limit: callLimit))
            if twice.returned.wait(timeout: .now() + settle.timeInterval) == .success { twice.returned.signal() }
            if !twice.call.isCompleted { cancelFromTwoThreads(twice.call, within: cancelLimit) }
            if let failure = finish(twice.call, twice.returned, within: cancelLimit, "cancelled from two threads at once") { return failure }
        }
        _ = instance.end(within: callLimit)
        if let failure = onceEach(calls, inputs: inputs.count, how: "when cancelled") { return CheckResult(check, .fail, failure) }
        return CheckResult(
            check, .pass,
            "\(CheckLimits.describe(count: inputs.count, "input")), each cancelled three ways — already cancelled when process was called, inside its own emit "
                + "(\(cancelledInsideEmit) emitted), from two threads at once — completed once, within \(CheckLimits.describe(cancelLimit))")
    }

    /// Cancels `call` from two new threads released at the same moment; waits for both up
    /// to `limit` (a handler that blocks is then reported as a call not completed).
    private static func cancelFromTwoThreads(_ call: ProbeCall, within limit: Duration) {
        let go = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for _ in 0..<2 {
            done.enter()
            Thread.detachNewThread {
                go.wait()
                call.cancel()
                done.leave()
            }
        }
        go.signal()
        go.signal()
        _ = done.wait(timeout: .now() + limit.timeInterval)
    }

    /// The first call completed other than exactly once, or that emitted after completing.
    private static func onceEach(_ calls: [ProbeCall], inputs: Int, how: String) -> String? {
        for call in calls {
            let count = call.completions.count
            if count != 1 { return "the \(call.input.type) input was completed \(count) times \(how); call complete exactly once" }
            if call.emitsAfterComplete > 0 {
                return "the \(call.input.type) input: \(CheckLimits.describe(count: call.emitsAfterComplete, "emit")) after complete \(how)"
            }
            if let problem = call.problems.first { return "the \(call.input.type) input: \(problem)" }
        }
        return nil
    }
}
