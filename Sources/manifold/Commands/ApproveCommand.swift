import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON
import ManifoldJournal

/// `manifold approve RUN TOKEN [--edit JSON]`: lets an input a run holds go on.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve an input a run holds for a person (its approval middleware), as is or edited.",
        discussion: """
            The run goes on with it within a second; a run that is not running (it was stopped or
            crashed) goes on with it when resumed (`manifold resume RUN`). The first decision on a
            token stands. `manifold approvals` lists what waits.

            Examples:
              manifold approve 3be2e612 ap-7k2m9x3qd4
              manifold approve 3be2e612 ap-7k2m9x3qd4 --edit '{"path": "/tmp/scratch"}'
            """)

    @Argument(help: "The run's id (a prefix will do).")
    var runID: String

    @Argument(help: "The approval's token, as the run printed it (ap-…).")
    var token: String

    @Option(help: ArgumentHelp(
        "Change the input before it goes on: a tool call's new arguments (a JSON object), or the new payload (JSON; a string for text).",
        valueName: "json"))
    var edit: String?

    @OptionGroup var journal: JournalOptions

    func validate() throws {
        try ApprovalDecisionWriter.validate(token: token)
        if let edit {
            do {
                _ = try JSONValue(parsing: edit)
            } catch {
                throw ValidationError("--edit takes JSON (a tool call's arguments object, or the new payload): \(error)")
            }
        }
    }

    func run() throws {
        try ApprovalDecisionWriter(journal: journal, runID: runID, token: token)
            .write(.approved, edit: edit.map { (try? JSONValue(parsing: $0))?.jsonText ?? $0 }, reason: nil, by: "manifold approve")
    }
}

/// `manifold deny RUN TOKEN --reason TEXT`: stops an input a run holds.
struct DenyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny",
        abstract: "Deny an input a run holds for a person: a tool call is answered with an error the model reads, with your reason.",
        discussion: """
            Any other input fails with the reason (reported on $errors). The first decision on a
            token stands.

            Example:
              manifold deny 3be2e612 ap-7k2m9x3qd4 --reason "never delete outside /tmp"
            """)

    @Argument(help: "The run's id (a prefix will do).")
    var runID: String

    @Argument(help: "The approval's token, as the run printed it (ap-…).")
    var token: String

    @Option(help: "Why: the model reads it, so say what to do instead.")
    var reason: String

    @OptionGroup var journal: JournalOptions

    func validate() throws {
        try ApprovalDecisionWriter.validate(token: token)
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reason is empty; say why, for the model (or whoever reads the failure) to act on")
        }
    }

    func run() throws {
        try ApprovalDecisionWriter(journal: journal, runID: runID, token: token).write(.denied, edit: nil, reason: reason, by: "manifold deny")
    }
}

/// What `approve` and `deny` share: the token's form, the decision written into the journal,
/// and what the person is told.
struct ApprovalDecisionWriter {
    let journal: JournalOptions
    let runID: String
    let token: String

    static func validate(token: String) throws {
        guard ApprovalToken.isWellFormed(token) else {
            throw ValidationError("'\(token)' is no approval token: tokens look like ap-7k2m9x3qd4, as the run printed them; `manifold approvals` lists them")
        }
    }

    func write(_ decision: JournalApproval.Decision, edit: String?, reason: String?, by command: String) throws {
        let who = ProcessInfo.processInfo.environment["USER"].map { " (user \($0))" } ?? ""
        let (run, outcome) = try journal.using { file throws(JournalError) in
            let run = try file.run(runID)
            return (run, try file.decideApproval(
                run: run.id, token: token, decision: decision, edit: edit, reason: reason, decidedBy: "`\(command)`\(who)"))
        }
        switch outcome {
        case .recorded(let approval):
            let next = run.status == .running && !run.isInterrupted
                ? "run \(run.id) goes on with it within a second"
                : "run \(run.id) is not running (\(run.isInterrupted ? "interrupted" : run.status.rawValue)); `manifold resume \(run.id)` goes on with it"
            Terminal.output(ControlCharacters.escaped(
                "\(decision.rawValue) \(token): node '\(approval.node)' holds \(ApprovalSubject.summary(approval.subject))"
                    + (approval.edit.map { ", edited to \($0)" } ?? "")) + "\n")
            Terminal.error(next)
        case .alreadyDecided(let approval):
            let when = approval.decidedAt.map { " at \($0.formatted(.iso8601))" } ?? ""
            Terminal.error("error: approval \(token) of run \(run.id) was already \(approval.decision?.rawValue ?? "decided") by "
                + "\(approval.decidedBy ?? "someone")\(when); the first decision stands")
            throw ExitCode(1)
        case .unknownToken(let known):
            let pending = known.filter(\.isPending).map(\.token)
            Terminal.error("error: run \(run.id) holds no approval \(token); "
                + (pending.isEmpty ? "nothing of it waits for a person" : "its pending approvals: \(pending.joined(separator: ", "))")
                + " (`manifold approvals \(run.id)` lists them)")
            throw ExitCode(1)
        }
    }
}

/// An approval's subject (the JSON a run stored) as one line for a person.
enum ApprovalSubject {
    static func summary(_ subject: String) -> String {
        guard let value = try? JSONValue(parsing: subject) else { return subject }
        if let tool = value["tool"]?.stringValue { return "tool '\(tool)' " + (value["arguments"]?.jsonText ?? "null") }
        return (value["type"]?.stringValue ?? "input") + " " + (value["text"]?.jsonText ?? "")
    }
}
