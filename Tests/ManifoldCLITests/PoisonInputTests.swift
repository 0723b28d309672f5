import Foundation
import ManifoldNATSTestSupport
import Testing

/// An input that crashes every worker that takes it, on a NATS hub: the server gives up on it
/// after `maxDeliver` deliveries, and the coordinator counts it as a dead letter instead of
/// letting it vanish; every other input gets through.
@Suite("an input that crashes every worker")
struct PoisonInputTests {
    @Test("given up after maxDeliver: dead-lettered as deliveries-exhausted, the run exits 3, the inputs before it arrive once")
    func poisonIsDeadLettered() async throws {
        let server = try NATSTestServer()
        let plugin = try await TestCPlugin.build(
            name: "crashy",
            process: """
                /* Not at once: the acknowledgements of the inputs finished before are sent first
                   (the client sends them from a thread of its own), as they would be before a
                   real crash that follows some work. */
                if (input->payload.length == 6 && memcmp(input->payload.data, "poison", 6) == 0) { usleep(300000); abort(); }
                manifold_artifact output;
                memset(&output, 0, sizeof output);
                output.struct_size = sizeof output;
                output.type = manifold_str_from_cstr("text/plain");
                output.payload.data = input->payload.data;
                output.payload.length = input->payload.length;
                manifold_status status = call->emit(call->context, &output);
                call->complete(call->context, status, manifold_str_from_cstr(NULL));
                """)
        // Capacity 1: a worker acknowledges one input before it asks for the next, so the
        // inputs it finished before crashing are not redone. Nothing follows the poison: an
        // input a worker fetched with it would lose a delivery to each crash too.
        let graph = try CLI.writeGraph("""
            {"manifold": 1, "name": "poisoned", "plugins": ["\(plugin)"],
             "hub": {"capacity": 1, "ackWaitSeconds": 1, "maxDeliver": 2},
             "inputs": {"text": {"topic": "in", "types": ["text/plain"]}},
             "outputs": {"out": {"topic": "out", "types": ["text/plain"]}},
             "nodes": {"crashy": {"plugin": "crashy", "subscribe": ["in"], "output": "out"}}}
            """)
        // An operator's supervisor: a worker that crashed is started again; one that ends
        // normally (its run is over) is not.
        let workers = try await ChildProcess.launch(
            executable: "/bin/bash",
            arguments: ["-c", "n=0; until \"$MANIFOLD\" worker \"$1\" --hub \"$2\" --only crashy --run-id p1; do n=$((n+1)); echo \"restart $n\" >&2; done",
                        "supervisor", graph, server.url],
            directory: CLI.repositoryRoot, environment: ["MANIFOLD": CLI.executable], takesSlot: false)
        let run = try await CLI.run(["run", graph, "--hub", server.url, "--only", "", "--run-id", "p1", "--lines"], stdin: "a\nb\npoison\n")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").sorted() == ["a", "b"], "\(run.stdout)")
        #expect(run.stderr.contains("(deliveries-exhausted: 1)"), "\(run.stderr)")
        #expect(run.stderr.contains("delivered 2 times to 'crashy'"), "\(run.stderr)")
        let supervised = await workers.collect(timeLimit: CLI.timeLimit)
        #expect(supervised.status == 0, "\(supervised.stderr)")
        #expect(supervised.stderr.contains("restart 2"), "each delivery crashed a worker: \(supervised.stderr)")
        #expect(!supervised.stderr.contains("restart 3"), "\(supervised.stderr)")
    }
}
