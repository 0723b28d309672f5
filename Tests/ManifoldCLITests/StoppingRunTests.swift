import Foundation
import ManifoldNATSTestSupport
import Testing

/// How `manifold run` ends early: the first SIGINT or SIGTERM drains what is in flight to the
/// outputs, the second and `--timeout` end the run within a bounded grace even when a plugin
/// never returns, and a reader that went away ends it at once.
@Suite("manifold run: stopping")
struct StoppingRunTests {
    /// A graph of one node running the plugin in `folder`, fed by the input `text`.
    static func graph(plugin name: String, in folder: String, concurrency: Int = 1) throws -> String {
        try CLI.writeGraph("""
            { "manifold": 1, "name": "held", "plugins": ["\(folder)"],
              "inputs": { "text": { "topic": "input", "types": ["text/plain"] } },
              "outputs": { "out": { "topic": "out", "types": ["text/plain"] } },
              "nodes": { "stuck": { "plugin": "\(name)", "subscribe": ["input"], "output": "out", "concurrency": \(concurrency) } } }
            """)
    }

    /// Says it started on standard output, then never returns: a signal that interrupts
    /// `sleep` only starts the next one.
    static let sleepsForever = """
        static const char marker[] = "processing\\n";
        ssize_t written = write(1, marker, sizeof marker - 1); (void)written;
        for (;;) sleep(1000);
        """

    /// Says it started, then blocks reading standard input, which the test keeps open and empty.
    static let readsForever = """
        static const char marker[] = "processing\\n";
        ssize_t written = write(1, marker, sizeof marker - 1); (void)written;
        char byte;
        while (read(0, &byte, 1) != 0) {}
        call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
        """

    @Test("--timeout ends a run whose plugin never returns, even with every pool thread blocked in it")
    func timeoutEndsAPluginThatNeverReturns() async throws {
        let folder = try await TestCPlugin.build(name: "sleeper", process: Self.sleepsForever)
        // Eight inputs at once: more blocked calls than the concurrency pool has threads here.
        let graph = try Self.graph(plugin: "sleeper", in: folder, concurrency: 8)
        let child = try await ChildProcess.launch(
            executable: CLI.executable,
            arguments: ["run", graph, "--timeout", "1"] + Array(repeating: ["--input", "x"], count: 8).flatMap { $0 },
            directory: CLI.repositoryRoot)
        let finished = await child.collect(timeLimit: CLI.timeLimit)
        #expect(!finished.timedOut, "--timeout 1 did not end the run; stderr:\n\(finished.stderr)")
        #expect(finished.terminationReason == .exit)
        #expect(finished.status == 124, "stderr: \(finished.stderr)")
        #expect(finished.stderr.contains("error: timed out after 1.0 s; still busy 2 s after it was cancelled: node 'stuck' ("))
        #expect(finished.stderr.contains("input(s) being processed"))
    }

    @Test(
        "a second signal ends a run whose plugin never returns, with 128 + the signal",
        arguments: [(SIGINT, "SIGINT", Int32(130)), (SIGTERM, "SIGTERM", Int32(143))])
    func secondSignalEndsAPluginThatNeverReturns(signal: Int32, name: String, status: Int32) async throws {
        let folder = try await TestCPlugin.build(name: "reader", process: Self.readsForever)
        let graph = try Self.graph(plugin: "reader", in: folder)
        let child = try await ChildProcess.launch(executable: CLI.executable, arguments: ["run", graph, "--input", "x"], directory: CLI.repositoryRoot)
        let started = await child.readOutput(until: "processing\n", timeLimit: CLI.timeLimit)
        #expect(String(decoding: started, as: UTF8.self).contains("processing\n"), "the plugin never started")
        kill(child.processIdentifier, signal)
        // Two signals sent back to back may arrive as one: the second goes once the first is seen.
        let stopping = await child.readError(until: "stopping", timeLimit: CLI.timeLimit)
        #expect(String(decoding: stopping, as: UTF8.self).contains("stopping (\(name))"))
        kill(child.processIdentifier, signal)
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: started, alreadyReadError: stopping)
        #expect(!finished.timedOut, "the second \(name) did not end the run; stderr:\n\(finished.stderr)")
        #expect(finished.terminationReason == .exit)
        #expect(finished.status == status, "stderr: \(finished.stderr)")
        #expect(finished.stderr.contains("ending the run (\(name))"))
        #expect(finished.stderr.contains(
            "error: stopped; still busy 2 s after it was cancelled: node 'stuck' (1 input(s) being processed, 0 queued)"))
    }

    @Test("--timeout counts from launch, while the whole of standard input is still being read")
    func timeoutCountsWhileStandardInputIsRead() async throws {
        // Standard input stays open and empty: only the time limit can end this run.
        let child = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--timeout", "1"], directory: CLI.repositoryRoot)
        let finished = await child.collect(timeLimit: CLI.timeLimit)
        #expect(!finished.timedOut, "--timeout 1 did not end a run waiting for standard input; stderr:\n\(finished.stderr)")
        #expect(finished.status == 124)
        #expect(finished.stdout.isEmpty)
        #expect(finished.stderr.contains("error: timed out after 1.0 s; nodes were shut down"))
    }

    @Test("Ctrl-C while the whole of standard input is being read stops without feeding it")
    func ctrlCWhileStandardInputIsRead() async throws {
        let child = try await ChildProcess.launch(
            executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "-v"], directory: CLI.repositoryRoot)
        child.input.fileHandleForWriting.write(Data("never fed".utf8))
        // What -v prints comes after the signals are caught; standard input stays open.
        let ready = await child.readError(until: "plugin search path", timeLimit: CLI.timeLimit)
        kill(child.processIdentifier, SIGINT)
        let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyReadError: ready)
        #expect(!finished.timedOut, "Ctrl-C did not stop a run reading standard input; stderr:\n\(finished.stderr)")
        #expect(finished.status == 130, "stderr: \(finished.stderr)")
        #expect(finished.stdout.isEmpty)
        #expect(finished.stderr.contains("stopped: 0 input(s) read"))
    }

    @Test("SIGTERM stops like the first Ctrl-C: what was read is processed and written, then 143", arguments: TestHub.allCases)
    func sigtermDrainsLikeCtrlC(hub: TestHub) async throws {
        let finished = try await hub.pipelineStopped(by: SIGTERM)
        #expect(!finished.timedOut, "SIGTERM did not stop the run; stderr:\n\(finished.stderr)")
        #expect(finished.terminationReason == .exit)
        #expect(finished.status == 143, "stderr: \(finished.stderr)")
        #expect(finished.stderr.contains("stopping (SIGTERM)"))
        #expect(finished.stderr.contains("stopped: 1 input(s) read"))
        #expect(finished.stdout == "FIRST\nLINE!\n")
    }

    /// Stops a run busy with an endless input (`seq`) after its first thousand outputs, with
    /// a chunk of input and full queues in flight, again and again: every input read must
    /// come out, in order, and nothing may be dead-lettered. Every fourth trial stops with
    /// SIGTERM instead of SIGINT.
    @Test("a stop under load loses nothing: every input read comes out, 8 times in a row (MANIFOLD_STOP_TRIALS for a soak)")
    func stopUnderLoadLosesNothing() async throws {
        let trials = ProcessInfo.processInfo.environment["MANIFOLD_STOP_TRIALS"].flatMap(Int.init) ?? 8
        try await stopsUnderLoad(trials: max(1, trials), isolating: [])
    }

    /// The same with every node in a worker process: queued inputs are in the workers, sent
    /// ahead in batches, when the stop comes.
    @Test("a stop under load loses nothing with isolated nodes either, 4 times in a row")
    func stopUnderLoadWithIsolatedNodesLosesNothing() async throws {
        try await stopsUnderLoad(trials: 4, isolating: ["--isolate", "all"])
    }

    /// The same on a NATS hub: what is in flight when the stop comes is in the stream and in
    /// the nodes' unacknowledged inputs.
    @Test("a stop under load loses nothing on a NATS hub either, 4 times in a row")
    func stopUnderLoadOnNATSLosesNothing() async throws {
        let server = try NATSTestServer()
        try await stopsUnderLoad(trials: 4, isolating: ["--hub", server.url])
    }

    private func stopsUnderLoad(trials: Int, isolating: [String]) async throws {
        for trial in 1...trials {
            let signal = trial % 4 == 0 ? SIGTERM : SIGINT
            let numbers = Pipe()
            let seq = Process()
            seq.executableURL = URL(fileURLWithPath: "/usr/bin/seq")
            seq.arguments = ["1000000000"]
            seq.standardOutput = numbers
            try seq.run()
            defer { seq.terminate() }
            let child = try await ChildProcess.launch(
                executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--lines"] + isolating, directory: CLI.repositoryRoot,
                standardInput: numbers)
            let seen = await child.readOutput(until: "\n1000!\n", timeLimit: CLI.timeLimit)
            kill(child.processIdentifier, signal)
            let finished = await child.collect(timeLimit: CLI.timeLimit, alreadyRead: seen)
            #expect(!finished.timedOut, "trial \(trial): the stop did not end the run; stderr:\n\(finished.stderr)")
            #expect(finished.status == 128 + signal, "trial \(trial): stderr: \(finished.stderr)")
            #expect(!finished.stderr.contains("dead-letter"), "trial \(trial): \(finished.stderr)")
            let read = try #require(Self.inputsRead(finished.stderr), "trial \(trial): no count of inputs read in: \(finished.stderr)")
            #expect(read >= 1000, "trial \(trial)")
            let outputs = finished.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(outputs.count == read, "trial \(trial): \(read) input(s) read, \(outputs.count) output(s)")
            #expect(outputs.elementsEqual((0..<read).lazy.map { "\($0 + 1)!" }), "trial \(trial): outputs are not inputs 1…\(read) in order")
        }
    }

    /// The count in "stopped: N input(s) read".
    static func inputsRead(_ stderr: String) -> Int? {
        guard let range = stderr.range(of: "stopped: ") else { return nil }
        return Int(stderr[range.upperBound...].prefix { $0.isNumber })
    }

    @Test("a reader that went away (| head -1) ends an endless --lines run at once, with status 0")
    func readerGoneEndsTheRun() async throws {
        // SIGPIPE ignored, as some service managers and shells leave it: the write fails with
        // EPIPE instead of killing the process. The input never ends, so only that can end the run.
        let result = try await CLI.shell(#"""
            trap '' PIPE
            yes 1 | "$MANIFOLD" run Examples/pipeline.json --lines | head -1
            echo "manifold=${PIPESTATUS[1]}"
            """#)
        #expect(result.stdout == "1!\nmanifold=0\n", "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("error"), "stderr: \(result.stderr)")
    }

    @Test("standard input that cannot be read is an error, not an empty run")
    func unreadableStandardInput() async throws {
        for mode in ["--lines", ""] {
            let result = try await CLI.shell(#""$MANIFOLD" run Examples/pipeline.json \#(mode) < /"#)
            #expect(result.status == 1, "\(mode): stderr: \(result.stderr)")
            #expect(result.stderr.contains("error: cannot read standard input: is a directory"), "\(mode): \(result.stderr)")
        }
    }
}
