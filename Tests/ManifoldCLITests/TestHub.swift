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

    /// `CLI.run` with this hub.
    func run(_ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLI.Result {
        try await with { hub in try await CLI.run(arguments + hub, stdin: stdin, sourceLocation: sourceLocation) }
    }
}
