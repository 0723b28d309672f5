import ArgumentParser
import Foundation
import ManifoldJSON
import ManifoldJournal

/// `manifold runs`: the runs a journal recorded — list, show one, prune.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show and prune the runs recorded in a journal (manifold run --journal FILE, or --record).",
        discussion: """
            Examples:
              manifold runs                             # the default journal's runs, newest first
              manifold runs show 3be2e612 --node shout  # one run's timeline (an id prefix will do)
              manifold runs prune --keep 20 --journal runs.db
            """,
        subcommands: [RunsListCommand.self, RunsShowCommand.self, RunsPruneCommand.self],
        defaultSubcommand: RunsListCommand.self)
}

/// How the `runs` commands print.
enum RunsOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `manifold runs list`.
struct RunsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the journal's runs, newest first, with status, duration and counts.")

    @Option(help: "text (a table) or json (an array of runs).")
    var output: RunsOutputFormat = .text

    @OptionGroup var journal: JournalOptions

    func run() throws {
        let (file, runs) = try journal.using { file throws(JournalError) in (file, try file.runs()) }
        switch output {
        case .json:
            Terminal.output(String(decoding: JSONValue.array(runs.map(RunsFormatting.json)).serialized(), as: UTF8.self) + "\n")
        case .text:
            guard !runs.isEmpty else {
                Terminal.error("no runs in \(file.path); record one with `manifold run GRAPH --journal \(file.path)`")
                return
            }
            Terminal.output(RunsFormatting.table(runs))
        }
    }
}

/// `manifold runs show RUN-ID`.
struct RunsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: its graph and plugins, then every artifact it published and every input each node settled, in order, with timings.")

    @Argument(help: "The run's id, or the start of it.")
    var runID: String

    @Option(help: "Only what concerns this node: its inputs, outputs, settlements and failures.")
    var node: String?

    @Option(help: "text (a timeline) or json (the run and its records).")
    var output: RunsOutputFormat = .text

    @OptionGroup var journal: JournalOptions

    func run() throws {
        let (run, records) = try journal.using { file throws(JournalError) in
            let run = try file.run(runID)
            return (run, try file.records(of: run.id))
        }
        let timeline = RunTimeline(run: run, records: records)
        if let node, !timeline.nodes.contains(node) {
            Terminal.error("error: run \(run.id) has no node '\(node)'; its nodes: \(timeline.nodes.sorted().joined(separator: ", "))")
            throw ExitCode(1)
        }
        switch output {
        case .json: Terminal.output(String(decoding: timeline.json(node: node).serialized(), as: UTF8.self) + "\n")
        case .text: Terminal.output(timeline.text(node: node))
        }
    }
}

/// `manifold runs prune`.
struct RunsPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove runs from the journal, with their records and the payloads no other run uses; the file shrinks.",
        discussion: "A run still recording is never removed. Give at least one of --keep, --older-than, --run.")

    @Option(help: "Keep only this many newest runs.")
    var keep: Int?

    @Option(help: ArgumentHelp("Remove runs that started longer ago than this: 30m, 12h, 7d.", valueName: "age"))
    var olderThan: String?

    @Option(name: .customLong("run"), help: "Remove this run (repeatable).")
    var runs: [String] = []

    @OptionGroup var journal: JournalOptions

    func validate() throws {
        if keep == nil && olderThan == nil && runs.isEmpty {
            throw ValidationError("say which runs to remove: --keep COUNT, --older-than AGE (e.g. 7d), or --run ID")
        }
        if let keep, keep < 0 { throw ValidationError("--keep takes a count of 0 or more, got \(keep)") }
        if let olderThan, RunsFormatting.seconds(olderThan) == nil {
            throw ValidationError("--older-than takes an age such as 30m, 12h or 7d, got '\(olderThan)'")
        }
    }

    func run() throws {
        let age = olderThan.flatMap(RunsFormatting.seconds)
        let now = Date()
        let (file, pruned) = try journal.using { file throws(JournalError) in
            var named: [String] = []
            for run in runs { named.append(try file.run(run).id) }
            return (file, try file.prune { all in
                all.enumerated().filter { position, run in
                    (keep.map { position >= $0 } ?? false) || (age.map { now.timeIntervalSince(run.startedAt) > $0 } ?? false)
                        || named.contains(run.id)
                }.map(\.element)
            })
        }
        Terminal.error("removed \(pruned.runs.count) run(s) and \(pruned.payloads) payload(s) no other run used from \(file.path)")
    }
}
