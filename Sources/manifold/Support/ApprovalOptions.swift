import ArgumentParser

/// How a run that holds inputs for a person (approval middleware) asks.
struct ApprovalOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Never ask at this terminal about inputs held for approval; decide with `manifold approve`/`deny` (needs the run's journal).",
        discussion: "Without it, a run with a terminal asks there, and still takes decisions made from elsewhere."))
    var noPrompt = false
}
