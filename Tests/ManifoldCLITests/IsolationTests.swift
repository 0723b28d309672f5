import Foundation
import Testing

/// Nodes whose plugin misbehaves — crashes, exits, hangs, leaks, breaks the call contract —
/// run in a worker process (`"isolation": "process"`): the graph finishes, the fault is
/// reported with its cause, the worker is restarted as configured and nothing else is lost.
/// The same plugins in process get the documented behaviour (per-input deadline, refused
/// late callbacks).
@Suite("Isolated nodes: crashes, hangs and leaks cost one input, not the run")
struct IsolationTests {
    /// C statements for `process` that echo the input back and complete, unless `fault`
    /// (C statements) runs first for an input whose text is `boom`.
    static func echo(unlessBoom fault: String) -> String {
        """
        int is_boom = input->payload.length == 4 && memcmp(input->payload.data, "boom", 4) == 0;
        if (is_boom) { \(fault) }
        manifold_artifact output;
        memset(&output, 0, sizeof output);
        output.struct_size = sizeof output;
        output.type = manifold_str_from_cstr("text/plain");
        output.payload.data = input->payload.data; /* lent: the host copies it */
        output.payload.length = input->payload.length;
        manifold_status status = call->emit(call->context, &output);
        call->complete(call->context, status, manifold_str_from_cstr(NULL));
        """
    }

    /// A graph of one node running plugin `name` (built from `process`), with `node` (JSON
    /// members) added to the node.
    static func graph(name: String, process: String, node: String = #""isolation": "process""#, extraSource: String = "") async throws
        -> String
    {
        let folder = try await TestCPlugin.build(
            name: name, process: process, extraSource: "#include <stdio.h>\n#include <signal.h>\n" + extraSource)
        return try CLI.writeGraph("""
            {"manifold": 1, "name": "isolated", "plugins": ["\(folder)"],
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"faulty": {"plugin": "\(name)", "subscribe": ["in"], "output": "out", \(node)}}}
            """)
    }

    static let inputs = ["--input", "one", "--input", "boom", "--input", "two"]

    @Test(arguments: [
        ("segfaults", "volatile int *nowhere = NULL; *nowhere = 1;", "was killed by signal 11"),
        ("aborts", "abort();", "was killed by signal 6"),
        ("exits", "fprintf(stderr, \"giving up on this one\\n\"); exit(3);", "exited with status 3"),
    ])
    func aCrashCostsTheInputAndTheWorkerIsRestarted(name: String, fault: String, cause: String) async throws {
        let graph = try await Self.graph(name: name, process: Self.echo(unlessBoom: fault))
        let result = try await CLI.run(["run", graph] + Self.inputs)
        #expect(result.status == 1, "a failed input fails the run; stderr: \(result.stderr)")
        #expect(result.stdout == "one\ntwo\n", "the inputs around the crash are processed: \(result.stdout)")
        #expect(result.stderr.contains("node 'faulty' (plugin '\(name)'): its worker process (pid"), "\(result.stderr)")
        #expect(result.stderr.contains(cause), "\(result.stderr)")
        #expect(result.stderr.contains("restarting it in"), "\(result.stderr)")
        // Tried again once (the default), crashed again, then dead-lettered with its reason.
        #expect(result.stderr.contains("trying input"), "\(result.stderr)")
        #expect(result.stderr.contains("node-crashed"), "\(result.stderr)")
        if name == "segfaults" {
            #expect(result.stderr.contains("| manifold: plugin 'segfaults' on node 'faulty' crashed its worker process (signal 11, SIGSEGV"), "the worker names the plugin too: \(result.stderr)")
        }
        if name == "exits" {
            #expect(result.stderr.contains("| giving up on this one"), "the worker's last words are in the report: \(result.stderr)")
        }
    }

    @Test func aCrashAmongQueuedInputsLosesAndRepeatsNothing() async throws {
        // The lines arrive faster than the worker answers, so the host sends them in batches;
        // the worker dies on "boom" in the middle of one, twice (the retry). The inputs the
        // batch held after it go to the restarted worker: each output exactly once, in order.
        let graph = try await Self.graph(name: "batched", process: Self.echo(unlessBoom: "raise(SIGSEGV);"))
        let lines = (1...400).map { $0 == 150 ? "boom" : "line \($0)" }
        let result = try await CLI.run(["run", graph, "--lines"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let expected = lines.filter { $0 != "boom" }
        let printed = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let printedExactly = printed == expected
        #expect(printedExactly, "\(printed.count) lines printed, \(expected.count) expected; first difference at line \((zip(printed, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(printed.count, expected.count)) + 1)")
        #expect(result.stderr.components(separatedBy: "restarting it in").count - 1 == 2, "crashed once, and once more on the retry: \(result.stderr)")
        #expect(result.stderr.contains("node-crashed"), "\(result.stderr)")
    }

    @Test func anIsolatedSourceEmitsAsInProcess() async throws {
        let inProcess = try await CLI.run(["run", "Examples/ticker.json"])
        let isolated = try await CLI.run(["run", "Examples/ticker.json", "--isolate", "clock"])
        #expect(inProcess.status == 0 && inProcess.stdout == "TICK 1\nTICK 2\nTICK 3\n", "\(inProcess.stderr)")
        #expect(isolated.status == 0, "\(isolated.stderr)")
        #expect(isolated.stdout == inProcess.stdout)
    }

    @Test func anIsolatedSourceStopsWithTheRunAndLosesNothing() async throws {
        let foreign = try await ForeignPluginFolder(extraSource: "", withTicker: true)
        let graph = try foreign.tickerGraph(config: #"{"intervalMs": 5, "count": 0, "text": "t"}"#, node: #""isolation": "process""#)
        let result = try await CLI.run(["run", graph, "--timeout", "1"])
        #expect(result.status == 124, "\(result.stderr)")
        // Every tick the source emitted before the stop was printed, none twice, none skipped.
        let ticks = result.stdout.split(separator: "\n").map(String.init)
        #expect(ticks.count > 10, "\(result.stdout)")
        let consecutive = ticks == (1...max(ticks.count, 1)).map { "t \($0)" }
        #expect(consecutive, "\(result.stdout)")
        #expect(!result.stderr.contains("worker process (pid"), "no crash was reported: \(result.stderr)")
    }

    @Test func aCrashedSourceWorkerIsRestartedAndTheSourceStartedAgain() async throws {
        // Every worker that loads this library is ended by SIGALRM 300 ms later.
        let foreign = try await ForeignPluginFolder(
            extraSource: "#include <unistd.h>\n__attribute__((constructor)) static void alarm_later(void) { if (getenv(\"FOREIGN_ALARM_MS\")) { signal(SIGALRM, SIG_DFL); ualarm((useconds_t)atoi(getenv(\"FOREIGN_ALARM_MS\")) * 1000, 0); } }",
            withTicker: true)
        let graph = try foreign.tickerGraph(
            config: #"{"intervalMs": 20, "count": 0, "text": "t"}"#,
            node: #""isolation": "process", "restart": {"maxRestarts": 2, "withinSeconds": 60}"#)
        let result = try await CLI.run(["run", graph, "--timeout", "20"], environment: ["FOREIGN_ALARM_MS": "300"])
        #expect(result.status == 1, "the node failed once its restart budget was spent: \(result.status) \(result.stderr)")
        #expect(result.stderr.contains("was killed by signal 14"), "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "restarting it in").count - 1 == 2, "\(result.stderr)")
        #expect(result.stderr.contains("node 'clock' failed: the worker process of plugin 'ticker' crashed again"), "\(result.stderr)")
        // Each of the three workers started the source from its first tick.
        let firstTicks = result.stdout.split(separator: "\n").filter { $0 == "t 1" }.count
        #expect(firstTicks == 3, "\(result.stdout)")
    }

    @Test func theSamePluginInProcessTakesTheHostDown() async throws {
        let graph = try await Self.graph(name: "segv", process: Self.echo(unlessBoom: "volatile int *nowhere = NULL; *nowhere = 1;"), node: #""isolation": "none""#)
        let result = try await CLI.run(["run", graph] + Self.inputs)
        // Killed by signal 11 (the child's termination status is the signal); "two" never comes.
        #expect(result.status == SIGSEGV, "in process a segfault ends the host: \(result.status) \(result.stderr.prefix(300))")
        #expect(!result.stdout.contains("two"))
        #expect(result.stderr.contains("manifold: plugin 'segv' on node 'faulty' crashed the host process (signal 11, SIGSEGV"), "\(result.stderr)")
        #expect(result.stderr.contains("--isolate NODE"), "the fix is named: \(result.stderr)")
        let isolated = try await CLI.run(["run", graph, "--isolate", "faulty"] + Self.inputs)
        #expect(isolated.status == 1)
        #expect(isolated.stdout == "one\ntwo\n", "--isolate runs the same node in a worker: \(isolated.stderr)")
    }

    @Test func aWorkerThatStopsAnsweringHeartbeatsIsKilledAndRestarted() async throws {
        // SIGSTOP freezes the whole worker, its heartbeat thread too: only the host's
        // heartbeat timeout (10 s) can tell.
        let graph = try await Self.graph(
            name: "freezer", process: Self.echo(unlessBoom: "raise(SIGSTOP);"),
            node: #""isolation": "process", "restart": {"retries": 0}"#)
        let result = try await CLI.run(["run", graph] + Self.inputs)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout == "one\ntwo\n", "\(result.stdout)")
        #expect(result.stderr.contains("was killed by the host because it answered no heartbeat for 10 s (hung?)"), "\(result.stderr)")
        #expect(result.stderr.contains("node-crashed"), "\(result.stderr)")
    }

    @Test func theRestartBudgetEndsTheRunWithAClearError() async throws {
        let graph = try await Self.graph(
            name: "crasher", process: "raise(SIGSEGV);",
            node: #""isolation": "process", "restart": {"maxRestarts": 2, "withinSeconds": 60, "retries": 5}"#)
        let result = try await CLI.run(["run", graph, "--input", "a"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("node 'faulty' failed: the worker process of plugin 'crasher' crashed again"), "\(result.stderr)")
        #expect(result.stderr.contains("after 2 restarts within 60 s, the most its restart policy allows (maxRestarts 2)"), "\(result.stderr)")
    }

    @Test func aPluginThatNeverCompletesHitsTheInputDeadline() async throws {
        // Returns without completing: the call stays open forever.
        let process = "if (input->payload.length == 4 && memcmp(input->payload.data, \"boom\", 4) == 0) return;\n"
            + Self.echo(unlessBoom: "")
        for node in [#""isolation": "process", "inputTimeoutSeconds": 1"#, #""inputTimeoutSeconds": 1"#] {
            let graph = try await Self.graph(name: "silent", process: process, node: node)
            let result = try await CLI.run(["run", graph] + Self.inputs)
            #expect(result.status == 1, "\(node): \(result.stderr)")
            #expect(result.stdout == "one\ntwo\n", "\(node): \(result.stdout)")
            #expect(result.stderr.contains("did not finish the input within 1 s (its inputTimeoutSeconds)"), "\(node): \(result.stderr)")
            #expect(result.stderr.contains("input-timed-out"), "\(node): \(result.stderr)")
        }
    }

    @Test func aPluginBlockedForeverIsKilledWhenIsolatedAndLeftBehindInProcess() async throws {
        let process = Self.echo(unlessBoom: "for (;;) pause();")
        let isolated = try await Self.graph(name: "blocker", process: process, node: #""isolation": "process", "inputTimeoutSeconds": 1"#)
        let result = try await CLI.run(["run", isolated] + Self.inputs)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout == "one\ntwo\n", "\(result.stdout)")
        #expect(result.stderr.contains("was killed by the host because it did not stop within"), "\(result.stderr)")
        #expect(result.stderr.contains("input-timed-out"), "\(result.stderr)")

        let inProcess = try await Self.graph(name: "blocker", process: process, node: #""inputTimeoutSeconds": 1"#)
        let left = try await CLI.run(["run", inProcess] + Self.inputs)
        #expect(left.status == 1, "\(left.stderr)")
        #expect(left.stdout == "one\ntwo\n", "\(left.stderr)")
        #expect(left.stderr.contains("its plugin did not stop when cancelled, so the call was left behind"), "\(left.stderr)")
    }

    @Test func aLeakUnderAMemoryLimitRestartsTheWorkerAndLosesNothing() async throws {
        // 1 MiB per input, touched so it is really used; a failed malloc ends the worker.
        let process = Self.echo(unlessBoom: "")
            .replacingOccurrences(of: "int is_boom", with: "char *leak = malloc(1 << 20); memset(leak, 1, 1 << 20);\n    int is_boom")
        let graph = try await Self.graph(
            name: "leaker", process: process,
            node: #""isolation": "process", "limits": {"memoryMiB": 128}, "restart": {"maxRestarts": 10, "withinSeconds": 60}"#)
        let count = 300
        let input = (1...count).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let result = try await CLI.run(["run", graph, "--lines"], stdin: input)
        #expect(result.status == 0, "every input is retried on a fresh worker: \(result.stderr)")
        #expect(result.stdout == input, "nothing lost, nothing duplicated")
        #expect(result.stderr.contains("memory limit of 128 MiB (limits.memoryMiB)"), "\(result.stderr)")
    }

    @Test func limitsWithoutIsolationAreRefusedWithTheFix() async throws {
        let graph = try await Self.graph(name: "plain", process: Self.echo(unlessBoom: ""), node: #""limits": {"memoryMiB": 64}"#)
        let result = try await CLI.run(["validate", graph])
        #expect(result.status == 1)
        #expect(result.stderr.contains("$.nodes.faulty.limits"), "\(result.stderr)")
        #expect(result.stderr.contains("add \"isolation\": \"process\" to the node"), "\(result.stderr)")
    }

    @Test func isolatingAnUnknownNodeNamesTheNodes() async throws {
        let result = try await CLI.run(["run", "Examples/pipeline.json", "--isolate", "shoot", "--input", "x"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no node 'shoot' to isolate; the graph's nodes: shout, split"), "\(result.stderr)")
        #expect(result.stderr.contains("did you mean 'shout'?"), "\(result.stderr)")
    }

    @Test func theBundledPipelineGivesTheSameOutputIsolated() async throws {
        let input = (1...200).map { "word \($0) and more" }.joined(separator: "\n") + "\n"
        let inProcess = try await CLI.run(["run", "Examples/pipeline.json", "--lines"], stdin: input)
        let isolated = try await CLI.run(["run", "Examples/pipeline.json", "--lines", "--isolate", "all"], stdin: input)
        #expect(inProcess.status == 0 && isolated.status == 0, "\(isolated.stderr)")
        #expect(isolated.stdout == inProcess.stdout)
        #expect(isolated.stdout.split(separator: "\n").count == 800)
    }
}
