/// `create-destroy-no-leak`: create, shutdown and destroy, round after round, without the
/// process's resident memory growing by more than `CheckLimits.leakBound` over the counted
/// rounds (after `CheckLimits.warmUpRounds` uncounted ones).
enum CreateDestroyCheck {
    static func run(_ context: CheckContext) -> CheckResult {
        let plugin: PluginUnderCheck
        switch context.plugin(for: .createDestroyNoLeak) {
        case .failure(let end): return end.result
        case .success(let found): plugin = found
        }
        let choice: ConfigChoice
        switch context.config {
        case .failure(let unavailable): return CheckResult(.createDestroyNoLeak, .skip, "\(unavailable)")
        case .success(let chosen): choice = chosen
        }
        let config = choice.config.jsonText
        let rounds = context.limits.createDestroyRounds
        let limit = context.limits.callTimeLimit
        func round(_ number: Int) -> String? {
            switch ProbeInstance.create(plugin, config: config, within: limit) {
            case .failure(let failure):
                return "round \(number): \(failure)"
            case .success(let instance):
                return instance.end(within: limit).map { "round \(number): \($0)" }
            }
        }
        let warmUp = min(CheckLimits.warmUpRounds, rounds)
        for number in 0..<warmUp {
            if let failure = round(number + 1) { return CheckResult(.createDestroyNoLeak, .fail, failure) }
        }
        guard let before = ResidentMemory.bytes() else {
            return CheckResult(.createDestroyNoLeak, .skip, "/proc/self/statm cannot be read, so memory cannot be measured")
        }
        for number in 0..<rounds {
            if let failure = round(warmUp + number + 1) { return CheckResult(.createDestroyNoLeak, .fail, failure) }
        }
        let after = ResidentMemory.bytes() ?? before
        let growth = after - before
        let figures = "resident memory \(CheckLimits.describe(bytes: before)) → \(CheckLimits.describe(bytes: after)) "
            + "(\(growth >= 0 ? "+" : "")\(CheckLimits.describe(bytes: growth))) over \(rounds) create/shutdown/destroy rounds "
            + "after \(warmUp) warm-up rounds; bound \(CheckLimits.describe(bytes: CheckLimits.leakBound))"
        guard growth <= CheckLimits.leakBound else {
            let perRound = growth / max(rounds, 1)
            return CheckResult(
                .createDestroyNoLeak, .fail,
                "\(figures): about \(CheckLimits.describe(bytes: perRound)) per instance is never freed (destroy must free what create allocated)")
        }
        return CheckResult(.createDestroyNoLeak, .pass, figures)
    }
}
