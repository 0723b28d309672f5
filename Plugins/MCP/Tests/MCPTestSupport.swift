import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON
import ManifoldMCPKit
import ManifoldPluginTestSupport
import Testing

/// The tests' MCP server (Fixtures/mcp_fixture_server.py), run with the machine's `python3`
/// and the official `mcp` Python package, and what it recorded.
struct FixtureServer {
    /// The file the server appends its events to (starts, cancellations).
    let events: URL

    init() {
        events = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-fixture-\(UUID().uuidString).events")
    }

    /// The Python with the `mcp` package: `$MANIFOLD_TEST_PYTHON`, or the one
    /// `scripts/setup --tests` makes.
    static let python: String = ProcessInfo.processInfo.environment["MANIFOLD_TEST_PYTHON"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/test-python/bin/python3").path

    /// A program installed beside `python` (e.g. `mcp-server-time`).
    static func installed(_ program: String) throws -> String {
        try requirePython()
        return URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent(program).path
    }

    /// Fails the test with the fix when the Python peers are not installed.
    static func requirePython() throws {
        try #require(FileManager.default.isExecutableFile(atPath: python), "no Python with mcp at \(python); run scripts/setup --tests")
    }

    /// The server's script.
    static var script: String {
        get throws {
            try #require(
                Bundle.module.url(forResource: "mcp_fixture_server", withExtension: "py", subdirectory: "Fixtures"),
                "no Fixtures/mcp_fixture_server.py in the test bundle"
            ).path
        }
    }

    /// A spec that runs the fixture with `flags`.
    func spec(name: String = "fixture", flags: [String] = [], env: [String: String] = [:], prefix: String? = nil) throws -> MCPServerSpec {
        try Self.requirePython()
        return MCPServerSpec(
            name: name, command: Self.python, args: [try Self.script] + flags,
            env: env.merging(["MCP_FIXTURE_EVENTS": events.path]) { given, _ in given }, prefix: prefix)
    }

    /// The lines the server recorded so far.
    var recorded: [String] {
        ((try? String(contentsOf: events, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Waits until the server recorded `line`, for at most `seconds`.
    func waitUntilRecorded(_ line: String, seconds: Double = 10) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if recorded.contains(line) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return recorded.contains(line)
    }

    func remove() {
        try? FileManager.default.removeItem(at: events)
    }
}

/// Drives an `mcp` plugin as a node would.
enum MCPDriver {
    static func call(_ name: String, _ arguments: JSONValue, id: String = "c1") -> Artifact {
        Artifact(
            type: .toolCall, payload: JSONValue.object(["id": .string(id), "name": .string(name), "arguments": arguments]).serialized(),
            correlationID: "conv")
    }

    static let list = Artifact(type: ArtifactType.toolList, payload: Data(), correlationID: "conv")

    /// Everything the plugin emits for `input`.
    static func outputs(of input: Artifact, with plugin: MCPPlugin) async throws -> [Artifact] {
        let out = Recorder()
        try await plugin.process(input, context: out.context(for: input, node: "mcp"))
        return out.all
    }

    /// The `tool/result` of `call`, as JSON; fails unless there is exactly one.
    static func result(of call: Artifact, with plugin: MCPPlugin) async throws -> JSONValue {
        let results = try await outputs(of: call, with: plugin).filter { $0.type == .toolResult }
        try #require(results.count == 1)
        #expect(results[0].correlationID == "conv")
        return json(results[0])
    }

    /// The tools of the plugin's catalog, by name.
    static func catalog(of plugin: MCPPlugin) async throws -> [String: JSONValue] {
        let catalogs = try await outputs(of: list, with: plugin).filter { $0.type == ArtifactType.toolCatalog }
        try #require(catalogs.count == 1)
        return tools(in: catalogs[0])
    }

    /// The tools a `tool/catalog` lists, by name.
    static func tools(in catalog: Artifact) -> [String: JSONValue] {
        var tools: [String: JSONValue] = [:]
        for tool in json(catalog).arrayValue ?? [] {
            if let name = tool["name"]?.stringValue { tools[name] = tool }
        }
        return tools
    }
}

/// The fixture server run over Streamable HTTP on a free loopback port, until `stop`.
final class FixtureHTTPServer: Sendable {
    let fixture = FixtureServer()
    let port: Int
    private let process: Process

    /// The endpoint, `http://127.0.0.1:PORT/mcp`.
    var url: String { "http://127.0.0.1:\(port)/mcp" }

    /// Starts the server and waits until it accepts connections.
    init() async throws {
        try FixtureServer.requirePython()
        port = try Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: FixtureServer.python)
        process.arguments = [try FixtureServer.script, "--http", String(port)]
        process.environment = ProcessInfo.processInfo.environment.merging(["MCP_FIXTURE_EVENTS": fixture.events.path]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(180)
        while !Self.accepts(port: port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                stop()
                throw FixtureError(message: "the fixture's HTTP server did not listen on port \(port) within 180 s")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func stop() {
        // SIGKILL: uvicorn's graceful stop waits for every open event stream to end.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        fixture.remove()
    }

    struct FixtureError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// A port nothing listens on now (the kernel's pick for a socket bound to port 0).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw FixtureError(message: "no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts connections on `port` of 127.0.0.1.
    static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// One Python MCP server at a time across the suites. Each starts by importing the SDK —
/// seconds of CPU — and twenty at once starve the rest of the test run on a two-core machine
/// past its time limits.
actor PythonPeers {
    private static let shared = PythonPeers()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` while no other test of this target runs Python servers.
    static func one<T>(_ body: () async throws -> T) async throws -> T {
        await shared.acquire()
        do {
            let value = try await body()
            await shared.release()
            return value
        } catch {
            await shared.release()
            throw error
        }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
