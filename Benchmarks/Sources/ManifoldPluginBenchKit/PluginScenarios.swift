import Foundation
import Logging
import Manifold
import ManifoldBenchKit
import ManifoldHost

/// The echo plugin's own `process` for its default configuration, compiled into the host:
/// one `text/plain` output per input, the input's metadata plus `echo.piece`.
public struct InHostEcho: Generator {
    public init() {}
    public let ports = PortTypes(inputs: ["text/*", .chatMessage], outputs: ["text/*"])

    public func process(_ input: Artifact, context: ProcessingContext) async throws {
        try await context.emit(
            .text(input.text, type: .plainText, metadata: input.metadata.merging(["echo.piece": "0"]) { _, new in new }))
    }
}

/// Per-artifact cost of `generator.process` called in a loop, outputs counted and dropped.
public func rawLoop(_ generator: any Generator, _ inputs: [Artifact]) async throws -> Measured {
    let context = ProcessingContext(node: "bench", input: inputs[0]) { output in consume(output) }
    let start = ContinuousClock.now
    for input in inputs { try await generator.process(input, context: context) }
    return Measured(elapsed: ContinuousClock.now - start, items: inputs.count)
}

/// Per-artifact cost through a Streamer on a hub: publish per artifact → node → sink.
public func streamerRun(_ generator: any Generator, _ inputs: [Artifact]) async throws -> Measured {
    let hub = Hub()
    let input = try Topic("plugin.in"), output = try Topic("plugin.out")
    let node = Streamer(
        name: "echo", generator: generator, subscribeTo: [TopicPattern(exactly: input)], output: output, hub: hub,
        options: StreamerOptions(shutsDownWhenFinished: false))
    try node.connect()
    let sink = hub.subscribe([TopicPattern(exactly: output)], name: "sink")
    return try await measureSending(inputs) {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await node.run() }
            let read = try await sendAll(inputs, readingFrom: sink) { try await hub.publish($0, to: input) }
            hub.close()
            try await group.waitForAll()
            return read
        }
    }
}

/// The bundled echo plugin, loaded once per process (a plugin library is never unloaded).
public let nativeEcho: Result<LoadedPlugin, any Error> = Result {
    guard let libraries = Locations.pluginLibraries else {
        throw BenchError.missing(
            "no libManifoldEcho.so: run `swift build` (or `swift build -c release`) in the repository, "
                + "or set MANIFOLD_BENCH_LIBRARY_PATH to the folder holding it")
    }
    let loader = PluginLoader(options: PluginLoaderOptions(
        searchPaths: ["\(Locations.repository)/manifests/plugins"], libraryPaths: [libraries]))
    let plugin = try loader.load(named: "echo")
    note("native echo plugin: \(plugin.libraryPath)"
        + (Locations.isDebugBuild(plugin.libraryPath)
            ? " — a DEBUG build against this release host: build the plugins with `swift build -c release` (or point MANIFOLD_BENCH_LIBRARY_PATH at a release build) for a fair ratio"
            : ""))
    return plugin
}

