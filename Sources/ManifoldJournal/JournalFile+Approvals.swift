import Foundation
import GRDB

extension JournalFile {
    /// Records that run `approval.runID` holds an input for a person. Asking again for the
    /// same token (the run resumed, or a retry) changes nothing.
    ///
    /// - Returns: the approval as stored: with its decision when a person already made one.
    /// - Throws: `JournalError`.
    public func requestApproval(_ approval: JournalApproval) throws(JournalError) -> JournalApproval {
        try write("record approval \(approval.token) of run \(approval.runID)") { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO approvals (run_id, token, node, input, subject, requested_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    approval.runID, approval.token, approval.node, approval.input, approval.subject,
                    approval.requestedAt.timeIntervalSince1970,
                ])
            return try Self.approval(db, run: approval.runID, token: approval.token) ?? approval
        }
    }

    /// Records a person's decision on approval `token` of run `runID`; the first decision on
    /// a token stands, whichever process makes it.
    ///
    /// - Parameters:
    ///   - edit: with an approval, the JSON text the input is changed to.
    ///   - reason: with a denial, why.
    ///   - decidedBy: who decided, for the record.
    /// - Throws: `JournalError`.
    public func decideApproval(
        run runID: String, token: String, decision: JournalApproval.Decision, edit: String? = nil, reason: String? = nil,
        decidedBy: String, at time: Date = Date()
    ) throws(JournalError) -> ApprovalDecisionOutcome {
        try write("record the decision on approval \(token) of run \(runID)") { db in
            try db.execute(
                sql: """
                    UPDATE approvals SET decision = ?, edit = ?, reason = ?, decided_at = ?, decided_by = ?
                    WHERE run_id = ? AND token = ? AND decision IS NULL
                    """,
                arguments: [decision.rawValue, edit, reason, time.timeIntervalSince1970, decidedBy, runID, token])
            let changed = db.changesCount > 0
            guard let stored = try Self.approval(db, run: runID, token: token) else {
                return .unknownToken(known: try Self.approvals(db, run: runID))
            }
            return changed ? .recorded(stored) : .alreadyDecided(stored)
        }
    }

    /// Records that run `runID` acted on the decision on `token`.
    public func markApprovalApplied(run runID: String, token: String, at time: Date = Date()) throws(JournalError) {
        try write("record that approval \(token) of run \(runID) was applied") { db in
            try db.execute(
                sql: "UPDATE approvals SET applied_at = ? WHERE run_id = ? AND token = ? AND applied_at IS NULL",
                arguments: [time.timeIntervalSince1970, runID, token])
        }
    }

    /// Every approval of run `runID`, in the order they were asked for.
    public func approvals(of runID: String) throws(JournalError) -> [JournalApproval] {
        try read("read the approvals of run \(runID)") { db in try Self.approvals(db, run: runID) }
    }

    /// The approvals of run `runID` decided but not yet acted on: what a live run polls for.
    public func decidedApprovals(of runID: String) throws(JournalError) -> [JournalApproval] {
        try read("read the decisions of run \(runID)") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM approvals WHERE run_id = ? AND decision IS NOT NULL AND applied_at IS NULL ORDER BY decided_at",
                arguments: [runID]
            ).map(Self.approval)
        }
    }

    /// Every approval still waiting for a person, in every run, oldest first.
    public func pendingApprovals() throws(JournalError) -> [JournalApproval] {
        try read("read the pending approvals") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM approvals WHERE decision IS NULL ORDER BY requested_at, token").map(Self.approval)
        }
    }

    private static func approvals(_ db: Database, run runID: String) throws -> [JournalApproval] {
        try Row.fetchAll(db, sql: "SELECT * FROM approvals WHERE run_id = ? ORDER BY requested_at, token", arguments: [runID])
            .map(approval)
    }

    private static func approval(_ db: Database, run runID: String, token: String) throws -> JournalApproval? {
        try Row.fetchOne(db, sql: "SELECT * FROM approvals WHERE run_id = ? AND token = ?", arguments: [runID, token]).map(approval)
    }

    private static func approval(_ row: Row) -> JournalApproval {
        var approval = JournalApproval(
            runID: row["run_id"], token: row["token"], node: row["node"], input: row["input"], subject: row["subject"],
            requestedAt: Date(timeIntervalSince1970: row["requested_at"]))
        approval.decision = (row["decision"] as String?).flatMap(JournalApproval.Decision.init(rawValue:))
        approval.edit = row["edit"]
        approval.reason = row["reason"]
        approval.decidedAt = (row["decided_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        approval.decidedBy = row["decided_by"]
        approval.appliedAt = (row["applied_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        return approval
    }
}
