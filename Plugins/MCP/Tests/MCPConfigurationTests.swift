import Foundation
import ManifoldMCPKit
import ManifoldPluginTestSupport
import Testing

/// Mistakes in an `mcp` node's config, refused before any server starts.
@Suite("mcp: config")
struct MCPConfigurationTests {
    @Test("a command not on the PATH, or not executable, names config.servers[i].command and the fix")
    func missingCommand() {
        expectError(containing: ["config.servers[1].command", "'no-such-mcp-server' is not on the PATH of server 'b'", "install it"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [
                MCPServerSpec(name: "a", command: "python3"), MCPServerSpec(name: "b", command: "no-such-mcp-server"),
            ]))
        }
        let notAProgram = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-not-a-program-\(UUID().uuidString).txt").path
        #expect(FileManager.default.createFile(atPath: notAProgram, contents: Data("text".utf8), attributes: [.posixPermissions: 0o644]))
        defer { try? FileManager.default.removeItem(atPath: notAProgram) }
        expectError(containing: ["config.servers[0].command", "\(notAProgram) is not an executable file"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [MCPServerSpec(name: "a", command: notAProgram)]))
        }
        // The server's PATH is what counts: a spec's own PATH replaces the host's.
        expectError(containing: ["config.servers[0].command", "(/nowhere)"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [
                MCPServerSpec(name: "a", command: "python3", env: ["PATH": "/nowhere"]),
            ]))
        }
    }

    @Test("empty server lists, repeated names and out-of-range limits are refused with their path")
    func badSettings() {
        expectError(containing: ["config.servers is empty"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: []))
        }
        expectError(containing: ["config.servers[1].name", "'time' is used twice"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: [
                MCPServerSpec(name: "time", command: "python3"), MCPServerSpec(name: "time", command: "python3"),
            ]))
        }
        let python = [MCPServerSpec(name: "a", command: "python3")]
        expectError(containing: ["config.callTimeoutSeconds is 0.0", "0.001 to 86400 seconds"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: python, callTimeoutSeconds: 0))
        }
        expectError(containing: ["config.startTimeoutSeconds is -1.0"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: python, startTimeoutSeconds: -1))
        }
        expectError(containing: ["config.restart.maxAttempts is -1", "0 (never restart) to 1000"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: python, restart: MCPRestartPolicy(maxAttempts: -1)))
        }
        expectError(containing: ["config.restart.maxDelaySeconds is 100000.0"]) {
            _ = try MCPPlugin(configuration: MCPConfiguration(servers: python, restart: MCPRestartPolicy(maxDelaySeconds: 100_000)))
        }
    }

    @Test("restart delays double from the first, up to the longest")
    func backoff() {
        let policy = MCPRestartPolicy(initialDelaySeconds: 0.25, maxDelaySeconds: 1.5)
        #expect((1...5).map { policy.delay(beforeAttempt: $0) } == [0.25, 0.5, 1, 1.5, 1.5])
        #expect(MCPRestartPolicy().delay(beforeAttempt: 1) == 0.5)
        #expect(MCPRestartPolicy().delay(beforeAttempt: 100) == 30)
    }
}
