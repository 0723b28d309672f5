import Foundation
import ManifoldNATSTestSupport
import Testing

/// Where the hub of a run under test lives: the example-graph tests run once in process and
/// once on a real nats-server with JetStream, so both transports answer to the same behaviour
/// (outputs, exit codes, stops, time limits, event logs).
enum TestHub: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inProcess
    case nats

    var testDescription: String { self == .inProcess ? "in process" : "on NATS JetStream" }

    /// Runs `body` with the arguments that put `manifold run`'s hub here (none in process;
    /// `--hub nats://…` of a server started for it, and stopped once `body` returns).
    func with<Result>(_ body: (_ hubArguments: [String]) async throws -> Result) async throws -> Result {
        switch self {
        case .inProcess:
            return try await body([])
        case .nats:
            let server = try NATSTestServer()
            let result = try await body(["--hub", server.url])
            withExtendedLifetime(server) {}
            return result
        }
    }

    /// `manifold run Examples/pipeline.json --lines` with this hub, sent `signal` once its
    /// first line came out: the graph is running and still reading standard input, whose
    /// writing end stays open, so only the signal can end the run.
    func pipelineStopped(by signal: Int32, sourceLocation: SourceLocation = #_sourceLocation) async throws -> ChildProcess.Finished {
        try await with { hubArguments in
            let child = try await ChildProcess.launch(
                executable: CLI.executable, arguments: ["run", "Examples/pipeline.json", "--lines"] + hubArguments, directory: CLI.repositoryRoot)
            child.input.fileHandleForWriting.write(Data("first line\n".utf8))
            let seen = await child.readOutput(until: "LINE!\n", timeLimit: CLI.timeLimit)
            #expect(String(decoding: seen, as: UTF8.self).contains("LINE!\n"), "manifold ended before its first output", sourceLocation: sourceLocation)
            kill(child.processIdentifier, signal)
            return await child.collect(timeLimit: CLI.timeLimit, alreadyRead: seen)
        }
    }

    /// `CLI.run` with this hub.
    func run(_ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLI.Result {
        try await with { hub in try await CLI.run(arguments + hub, stdin: stdin, sourceLocation: sourceLocation) }
    }
}
