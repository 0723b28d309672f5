// The core example of docs/architecture.md ("Using the core from Swift"), run by the tests.
import Manifold

/// Runs the documented example; it prints HELLO and 1.
func useTheCore() async throws {
    // doc-snippet: begin
    let hub = Hub()                                     // capacity 1024, policy block, in-process
    let shout = ClosureGenerator(ports: PortTypes(inputs: [.plainText], outputs: [.plainText])) { input, context in
        try await context.emit(.text(input.text.uppercased()))
    }
    let node = Streamer(name: "shout", generator: shout, subscribeTo: [try TopicPattern("in")],
                        output: try Topic("out"), hub: hub)
    try node.connect()                                  // type-checks against every node on the hub
    let results = hub.subscribe([try TopicPattern("out")], name: "printer", accepts: [.plainText])

    async let run = node.run()
    try await hub.publish(.text("hello"), to: try Topic("in"))
    var outputs = results.makeAsyncIterator()
    print(try await outputs.next()?.text ?? "")         // HELLO
    hub.close()                                         // subscriptions drain, then end
    print(try await run.processed)                       // 1
    // doc-snippet: end
}
