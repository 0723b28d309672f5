import Foundation
import ManifoldJournal
import Testing

/// Approvals in a journal: asked for by a run, decided from any process (the first decision
/// stands), applied, listed, and removed with their run.
@Suite("Journal approvals")
struct JournalApprovalTests {
    static func journalWithRun(_ id: String) throws -> JournalFile {
        let file = try JournalFile(path: try JournalTestSupport.newJournalPath())
        try file.begin(JournalTestSupport.run(id))
        return file
    }

    static func request(_ token: String, run: String = "r1") -> JournalApproval {
        JournalApproval(runID: run, token: token, node: "tools", input: "input-\(token)", subject: #"{"tool":"rm","arguments":{}}"#)
    }

    @Test func askingTwiceKeepsOneRequestAndItsDecision() throws {
        let file = try Self.journalWithRun("r1")
        let first = try file.requestApproval(Self.request("ap-0000000001"))
        #expect(first.isPending)
        _ = try file.decideApproval(run: "r1", token: "ap-0000000001", decision: .approved, edit: #"{"path":"/tmp"}"#, decidedBy: "test")
        // The run resumed asks again for the input it was holding: it finds the decision.
        let again = try file.requestApproval(Self.request("ap-0000000001"))
        #expect(again.decision == .approved)
        #expect(again.edit == #"{"path":"/tmp"}"#)
        #expect(try file.approvals(of: "r1").count == 1)
    }

    @Test func theFirstDecisionStands() throws {
        let file = try Self.journalWithRun("r1")
        _ = try file.requestApproval(Self.request("ap-0000000001"))
        let denied = try file.decideApproval(run: "r1", token: "ap-0000000001", decision: .denied, reason: "no", decidedBy: "alice")
        guard case .recorded(let recorded) = denied else { Issue.record("not recorded: \(denied)"); return }
        #expect(recorded.decision == .denied && recorded.reason == "no" && recorded.decidedBy == "alice")
        let late = try file.decideApproval(run: "r1", token: "ap-0000000001", decision: .approved, decidedBy: "bob")
        guard case .alreadyDecided(let standing) = late else { Issue.record("a second decision was taken: \(late)"); return }
        #expect(standing.decidedBy == "alice")
    }

    @Test func anUnknownTokenNamesThePendingOnes() throws {
        let file = try Self.journalWithRun("r1")
        _ = try file.requestApproval(Self.request("ap-0000000001"))
        let outcome = try file.decideApproval(run: "r1", token: "ap-000000000z", decision: .approved, decidedBy: "test")
        #expect(outcome == .unknownToken(known: try file.approvals(of: "r1")))
    }

    @Test func decisionsAreListedUntilApplied() throws {
        let file = try Self.journalWithRun("r1")
        for token in ["ap-0000000001", "ap-0000000002"] { _ = try file.requestApproval(Self.request(token)) }
        #expect(try file.pendingApprovals().map(\.token) == ["ap-0000000001", "ap-0000000002"])
        _ = try file.decideApproval(run: "r1", token: "ap-0000000002", decision: .approved, decidedBy: "test")
        #expect(try file.decidedApprovals(of: "r1").map(\.token) == ["ap-0000000002"])
        #expect(try file.pendingApprovals().map(\.token) == ["ap-0000000001"])
        try file.markApprovalApplied(run: "r1", token: "ap-0000000002")
        #expect(try file.decidedApprovals(of: "r1").isEmpty)
        #expect(try file.approvals(of: "r1").last?.appliedAt != nil)
    }

    @Test func decisionsFromAnotherConnectionReachTheRun() throws {
        let file = try Self.journalWithRun("r1")
        _ = try file.requestApproval(Self.request("ap-0000000001"))
        // `manifold approve` opens the file on its own, as another process does.
        let other = try JournalFile(path: file.path)
        _ = try other.decideApproval(run: "r1", token: "ap-0000000001", decision: .approved, decidedBy: "other")
        #expect(try file.decidedApprovals(of: "r1").map(\.decidedBy) == ["other"])
    }

    @Test func pruningARunRemovesItsApprovals() throws {
        let file = try Self.journalWithRun("r1")
        try file.begin(JournalTestSupport.run("r2", startedAt: Date().addingTimeInterval(10)))
        _ = try file.requestApproval(Self.request("ap-0000000001"))
        _ = try file.requestApproval(Self.request("ap-0000000002", run: "r2"))
        try file.end("r1", status: .stopped)
        try file.end("r2", status: .stopped)
        _ = try file.prune { runs in runs.filter { $0.id == "r1" } }
        #expect(try file.pendingApprovals().map(\.runID) == ["r2"])
    }
}
