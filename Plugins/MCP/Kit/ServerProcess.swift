import Foundation
import Subprocess
import Synchronization

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// A running MCP server program: its standard input fed from a `ServerPipeTransport`, its
/// standard output read into it, its standard error handed over line by line.
///
/// The server runs in a process group of its own, so a Ctrl-C at the terminal reaches the
/// host, which ends the server's calls and stops it in order; and it never outlives the
/// host's interest: `stop` closes its standard input, then sends SIGTERM, then SIGKILL.
final class ServerProcess: Sendable {
    /// The longest message the server may write, in bytes; a longer one ends the conversation.
    static let maximumMessageBytes = 16 << 20
    /// The longest standard error line kept; the rest of a longer one is dropped.
    static let maximumLogLineBytes = 4096
    /// How long a server may take to exit after its standard input closed, and after SIGTERM.
    static let exitGrace: Duration = .seconds(2)

    private let task: Task<Void, Never>
    private let ended = EndedOutcome()

    /// Starts `executable` and pumps its pipes until it exits.
    ///
    /// - Parameters:
    ///   - errorLine: receives each line the server writes on its standard error.
    ///   - exited: called once, with how the server ended (after `transport` was closed with it).
    init(
        executable: String, spec: MCPServerSpec, environment: [String: String], transport: ServerPipeTransport,
        errorLine: @escaping @Sendable (String) -> Void, exited: @escaping @Sendable (String) -> Void
    ) {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: Self.exitGrace)]
        let variables = Dictionary(uniqueKeysWithValues: environment.compactMap { name, value in
            Environment.Key(rawValue: name).map { ($0, value) }
        })
        let ended = self.ended
        task = Task {
            let outcome: String
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(spec.args ?? []), environment: .custom(variables),
                    workingDirectory: spec.workingDirectory.map { FilePath($0) }, platformOptions: options,
                    input: .inputWriter, output: .sequence, error: .sequence
                ) { execution in
                    try await Self.pump(execution, transport: transport, errorLine: errorLine)
                }
                outcome = Self.describe(result.terminationStatus, after: result.closureResult)
            } catch is CancellationError {
                outcome = "it was stopped"
            } catch {
                outcome = "it could not be run: \(error)"
            }
            ended.value.withLock { $0 = outcome }
            await transport.close(because: ServerGone(reason: outcome))
            exited(outcome)
        }
    }

    /// How the server ended, once it has.
    var outcome: String? { ended.value.withLock { $0 } }

    /// Closes the server's standard input, waits `exitGrace` for it to exit, then tears it
    /// down (SIGTERM, and SIGKILL after another `exitGrace`). Returns once it has exited.
    func stop(transport: ServerPipeTransport) async {
        await transport.close(because: ServerGone(reason: "it was stopped"))
        let task = self.task
        let deadline = Task {
            try? await Task.sleep(for: Self.exitGrace)
            if !Task.isCancelled { task.cancel() }
        }
        await task.value
        deadline.cancel()
    }

    /// Moves bytes until the server's standard output ends; returns why it did.
    private static func pump(
        _ execution: Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, transport: ServerPipeTransport,
        errorLine: @escaping @Sendable (String) -> Void
    ) async throws -> String? {
        try await withThrowingTaskGroup(of: String?.self) { group in
            let writer = execution.standardInputWriter
            group.addTask {
                for await line in transport.outgoing {
                    do {
                        _ = try await writer.write(Array(line))
                    } catch {
                        break
                    }
                }
                try? await writer.finish()
                return nil
            }
            group.addTask {
                var framer = LineFramer(maximumLength: maximumLogLineBytes)
                for try await chunk in execution.standardError {
                    let lines = chunk.withUnsafeBytes { framer.append($0) }
                    for line in lines { errorLine(String(decoding: line, as: UTF8.self)) }
                }
                if let last = framer.finish() { errorLine(String(decoding: last, as: UTF8.self)) }
                return nil
            }
            // The server's standard output decides: when it ends, the conversation is over.
            var framer = LineFramer(maximumLength: maximumMessageBytes)
            var problem: String?
            reading: for try await chunk in execution.standardOutput {
                let messages = chunk.withUnsafeBytes { framer.append($0) }
                if framer.overlongLines > 0 {
                    problem = "it wrote a message over \(maximumMessageBytes >> 20) MiB"
                    break reading
                }
                for message in messages where !message.isEmpty { transport.deliver(message) }
            }
            await transport.close(because: ServerGone(reason: problem ?? "it closed its standard output"))
            if problem != nil { try? execution.send(signal: .terminate, toProcessGroup: false) }
            group.cancelAll()
            return problem
        }
    }

    private static func describe(_ status: TerminationStatus, after problem: String?) -> String {
        let how: String
        switch status {
        case .exited(let code): how = "it exited with status \(code)"
        case .signaled(let signal): how = "it was killed by signal \(signal)" + (signal == SIGKILL ? " (SIGKILL)" : signal == SIGTERM ? " (SIGTERM)" : signal == SIGSEGV ? " (SIGSEGV)" : "")
        }
        return problem.map { "\($0); \(how)" } ?? how
    }
}

/// How a server ended, shared by its process and the task that waits for it.
private final class EndedOutcome: Sendable {
    let value = Mutex<String?>(nil)
}
