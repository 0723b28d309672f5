import ArgumentParser
import Foundation
import ManifoldHost
import ManifoldJSON
import ManifoldJournal
import ManifoldManifest
import Synchronization

/// How the `approval` middleware of a run reaches people: through the run's journal, where
/// `manifold approve` and `deny` decide from any terminal (and a resumed run finds what was
/// pending), and through a prompt at the run's own terminal when it has one.
final class RunApprovals: Sendable {
    /// The desk the run's `approval` middleware wait at.
    let desk = ApprovalDesk()
    private let prompt = Mutex<ApprovalPrompt?>(nil)
    private let stopped = Atomic<Bool>(false)

    /// The plugins the host offers by name, bound to this run's desk.
    var providers: [String: any PluginProvider] { [ApprovalPlugin.name: ApprovalPlugin.provider(desk: desk)] }

    /// The plugins the host offers, for commands that check graphs without running them.
    static let builtInPlugins: [String: any PluginProvider] = RunApprovals().providers

    /// Whether a graph has `approval` middleware.
    static func used(by manifest: GraphManifest) -> Bool {
        manifest.nodes.contains { node in node.middleware.contains { $0.plugin == ApprovalPlugin.name } }
    }

    /// Refuses, before any plugin runs, a graph with approvals run on a NATS hub (its nodes
    /// run in processes no person's decision reaches yet).
    static func refuseDistributed(_ manifest: GraphManifest) throws {
        guard used(by: manifest) else { return }
        Terminal.error("error: the graph's approval middleware waits for decisions that reach one process (its journal or terminal); "
            + "a run on a NATS hub cannot take them yet: run the graph in process, or remove the approval middleware")
        throw ExitCode(1)
    }

    /// Connects the desk for run `runID` of `manifest`: to the journal at `journalPath`, and to
    /// the terminal unless the run reads its input from it. Nothing happens for a graph without
    /// approvals; one with approvals that would reach nobody is refused (status 1, the fix printed).
    func connect(runID: String, manifest: GraphManifest, journalPath: String?, readsTerminalInput: Bool, options: ApprovalOptions) throws {
        guard Self.used(by: manifest) else { return }
        let ledger: ApprovalLedger?
        do {
            ledger = try journalPath.map { try ApprovalLedger(path: $0, runID: runID) }
        } catch {
            Terminal.error(error)
            throw ExitCode(1)
        }
        let hint: (@Sendable (String) -> String)? = ledger.map { ledger in
            { @Sendable (token: String) in
                let journal = ledger.path == JournalLocation.defaultPath() ? "" : " --journal \(Self.quoted(ledger.path))"
                return "  manifold approve \(runID) \(token)\(journal) [--edit JSON]  |  manifold deny \(runID) \(token)\(journal) --reason \"…\""
            }
        }
        let announce: @Sendable (ApprovalRequest) -> Void = { request in
            Terminal.error("approval needed \(request.token): node '\(request.node)' holds \(request.summary)\n" + (hint?(request.token) ?? ""))
        }
        let prompt = readsTerminalInput || options.noPrompt ? nil : ApprovalPrompt.open(desk: desk, hint: hint, fallback: announce)
        guard ledger != nil || prompt != nil else {
            Terminal.error("error: the graph's approval middleware needs a way to ask a person: this run has no journal for "
                + "`manifold approve` to write to, and \(options.noPrompt ? "--no-prompt" : readsTerminalInput ? "its terminal gives the input" : "no terminal") to ask at; add --record (or --journal FILE)")
            throw ExitCode(1)
        }
        self.prompt.withLock { $0 = prompt }
        var channels = ApprovalDesk.Channels()
        if let ledger {
            channels.keep = { @Sendable request in try await ledger.keep(request) }
            channels.persist = { @Sendable request, verdict in
                do {
                    return try await ledger.persist(request, verdict)
                } catch {
                    Terminal.error("warning: approval \(request.token): the decision could not be recorded (\(error)); "
                        + "the run goes on with it, but a resumed run would ask again")
                    return verdict
                }
            }
        }
        channels.applied = { @Sendable request, verdict in
            Terminal.error("approval \(request.token): \(Self.describe(verdict))")
            await ledger?.applied(request)
        }
        channels.announce = prompt.map { prompt in { @Sendable request in prompt.enqueue(request) } } ?? announce
        desk.configure(channels)
        prompt?.start()
        if let ledger { startPolling(ledger) }
    }

    /// Says, when a run is asked to stop, that inputs waiting for a person hold it.
    func noteStop() {
        let waiting = desk.pending.count
        guard waiting > 0 else { return }
        Terminal.error("\(waiting) input(s) wait for a person: decide them to let the run finish, or stop again to end it now "
            + "(they stay pending, for `manifold resume`)")
    }

    /// Stops asking: the prompt and the journal polling end.
    func disconnect() {
        prompt.withLock { $0 }?.stop()
        stopped.store(true, ordering: .relaxed)
    }

    /// Hands the decisions `manifold approve` and `deny` wrote to the inputs waiting for them,
    /// looking five times a second while any input waits.
    private func startPolling(_ ledger: ApprovalLedger) {
        let desk = self.desk
        // A thread of its own: reading the journal blocks.
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: 0.2)
                guard !desk.pending.isEmpty else { continue }
                for approval in ledger.decisions() {
                    desk.decide(approval.token, ApprovalLedger.verdict(of: approval))
                }
            }
        }
        thread.name = "manifold-approval-poller"
        thread.start()
    }

    static func describe(_ verdict: ApprovalVerdict) -> String {
        switch verdict.decision {
        case .approved(nil): "approved by \(verdict.decidedBy)"
        case .approved(let edit?): "approved with changes by \(verdict.decidedBy): \(edit.jsonText)"
        case .denied(let reason): "denied by \(verdict.decidedBy): \(reason)"
        }
    }

    static func quoted(_ path: String) -> String {
        path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) } ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A run's approvals in its journal. The journal's I/O blocks: the calls the desk makes from
/// the concurrency pool run on `queue`; `decisions()` is for the poller's own thread.
final class ApprovalLedger: Sendable {
    let path: String
    let queue = DispatchQueue(label: "manifold.approvals")
    private let file: JournalFile
    private let runID: String

    init(path: String, runID: String) throws {
        self.path = path
        self.runID = runID
        file = try JournalFile(path: path)
    }

    /// Records `request` as waiting; the decision already recorded on its token, if any.
    func keep(_ request: ApprovalRequest) async throws -> ApprovalVerdict? {
        let approval = JournalApproval(
            runID: runID, token: request.token, node: request.node, input: request.input.rawValue, subject: request.subject.jsonText)
        let stored = try await onQueue { try self.file.requestApproval(approval) }
        return stored.decision == nil ? nil : Self.verdict(of: stored)
    }

    /// Records a decision made in the run; the one that stands (an earlier one wins).
    func persist(_ request: ApprovalRequest, _ verdict: ApprovalVerdict) async throws -> ApprovalVerdict {
        let (decision, edit, reason): (JournalApproval.Decision, String?, String?) = switch verdict.decision {
        case .approved(let edit): (.approved, edit?.jsonText, nil)
        case .denied(let reason): (.denied, nil, reason)
        }
        let outcome = try await onQueue {
            try self.file.decideApproval(
                run: self.runID, token: request.token, decision: decision, edit: edit, reason: reason, decidedBy: verdict.decidedBy)
        }
        switch outcome {
        case .recorded(let approval), .alreadyDecided(let approval): return Self.verdict(of: approval)
        case .unknownToken: return verdict
        }
    }

    /// Records that the run acted on the decision on `request`.
    func applied(_ request: ApprovalRequest) async {
        _ = try? await onQueue { try self.file.markApprovalApplied(run: self.runID, token: request.token) }
    }

    /// Decisions not acted on yet; none when the journal cannot be read (the next look retries).
    func decisions() -> [JournalApproval] {
        (try? file.decidedApprovals(of: runID)) ?? []
    }

    /// A stored decision as the desk takes it.
    static func verdict(of approval: JournalApproval) -> ApprovalVerdict {
        let by = approval.decidedBy ?? "a person"
        switch approval.decision {
        case .approved?:
            return ApprovalVerdict(.approved(edit: approval.edit.flatMap { try? JSONValue(parsing: $0) }), decidedBy: by)
        case .denied?, nil:
            return ApprovalVerdict(.denied(reason: approval.reason ?? "denied"), decidedBy: by)
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
