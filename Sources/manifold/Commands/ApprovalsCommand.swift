import ArgumentParser
import Foundation
import ManifoldJSON
import ManifoldJournal

/// `manifold approvals [RUN]`: what waits for a person.
struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List the inputs runs hold for a person (approval middleware): every run's pending ones, or one run's all.",
        discussion: """
            Decide with `manifold approve RUN TOKEN` or `manifold deny RUN TOKEN --reason "…"`.

            Examples:
              manifold approvals
              manifold approvals 3be2e612 --output json
            """)

    @Argument(help: "A run's id (a prefix will do): all its approvals, decided ones too.")
    var runID: String?

    @Option(help: "text (a table) or json (an array).")
    var output: RunsOutputFormat = .text

    @OptionGroup var journal: JournalOptions

    func run() throws {
        let (file, approvals) = try journal.using { file throws(JournalError) in
            guard let runID else { return (file, try file.pendingApprovals()) }
            return (file, try file.approvals(of: try file.run(runID).id))
        }
        switch output {
        case .json:
            Terminal.output(String(decoding: JSONValue.array(approvals.map(Self.json)).serialized(), as: UTF8.self) + "\n")
        case .text:
            guard !approvals.isEmpty else {
                Terminal.error(runID == nil ? "nothing waits for a person in \(file.path)" : "run \(runID ?? "") asked for no approval")
                return
            }
            var lines = ["TOKEN          RUN           NODE          STATUS    ASKED                 WHAT"]
            for approval in approvals {
                let status = approval.decision?.rawValue ?? "pending"
                lines.append([
                    approval.token, Self.padded(approval.runID, 12), Self.padded(approval.node, 12), Self.padded(status, 8),
                    approval.requestedAt.formatted(.iso8601), ControlCharacters.escaped(ApprovalSubject.summary(approval.subject)),
                ].joined(separator: "  "))
            }
            Terminal.output(lines.joined(separator: "\n") + "\n")
        }
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func json(_ approval: JournalApproval) -> JSONValue {
        var object: [String: JSONValue] = [
            "run": .string(approval.runID), "token": .string(approval.token), "node": .string(approval.node),
            "input": .string(approval.input), "status": .string(approval.decision?.rawValue ?? "pending"),
            "subject": (try? JSONValue(parsing: approval.subject)) ?? .string(approval.subject),
            "requestedAt": .string(approval.requestedAt.formatted(.iso8601)),
        ]
        if let edit = approval.edit { object["edit"] = (try? JSONValue(parsing: edit)) ?? .string(edit) }
        if let reason = approval.reason { object["reason"] = .string(reason) }
        if let by = approval.decidedBy { object["decidedBy"] = .string(by) }
        if let at = approval.decidedAt { object["decidedAt"] = .string(at.formatted(.iso8601)) }
        if let at = approval.appliedAt { object["appliedAt"] = .string(at.formatted(.iso8601)) }
        return .object(object)
    }
}
