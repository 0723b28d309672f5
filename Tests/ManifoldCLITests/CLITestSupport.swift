import Foundation
import Testing

/// Runs the built `manifold` binary as a user would.
enum CLI {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `manifold` executable `swift build` put beside the test bundle.
    static let executable: String = {
        if let configured = ProcessInfo.processInfo.environment["MANIFOLD_BINARY"] { return configured }
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = (testBinary as NSString).deletingLastPathComponent
        while !folder.isEmpty && folder != "/" {
            if FileManager.default.isExecutableFile(atPath: folder + "/manifold") { return folder + "/manifold" }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return "manifold"
    }()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// Standard output's bytes as written.
        var stdoutBytes = Data()
    }

    /// How long one `manifold` may run before it is killed and the test fails: far above
    /// any run here, so only a hang reaches it, and then as a failure with the child's
    /// stderr instead of a test run that never ends.
    static let timeLimit: Duration = .seconds(120)

    /// Runs `manifold` with `arguments` in `directory` (the repository root unless given),
    /// feeding `stdin` if given.
    ///
    /// The child is waited for on a thread of its own, never on a thread of the
    /// concurrency pool, which the other tests of the process need.
    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], directory: String = repositoryRoot,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Result {
        let child = try await ChildProcess.launch(
            executable: executable, arguments: arguments, directory: directory, environment: environment)
        if let stdin { child.input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try child.input.fileHandleForWriting.close()
        let finished = await child.collect(timeLimit: timeLimit)
        if finished.timedOut {
            Issue.record(
                "manifold \(arguments.joined(separator: " ")) did not exit within \(timeLimit) and was killed; stderr:\n\(finished.stderr)",
                sourceLocation: sourceLocation)
        }
        return Result(status: finished.status, stdout: finished.stdout, stderr: finished.stderr, stdoutBytes: finished.stdoutBytes)
    }

    /// Runs a bash script in the repository root with `$MANIFOLD` naming the executable, for
    /// what only a shell sets up: redirections to /dev/full, pipes whose reader goes away.
    static func shell(_ script: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
        let child = try await ChildProcess.launch(
            executable: "/bin/bash", arguments: ["-c", script], directory: repositoryRoot, environment: ["MANIFOLD": executable])
        try child.input.fileHandleForWriting.close()
        let finished = await child.collect(timeLimit: timeLimit)
        if finished.timedOut {
            Issue.record("the script did not end within \(timeLimit) and was killed; stderr:\n\(finished.stderr)", sourceLocation: sourceLocation)
        }
        return Result(status: finished.status, stdout: finished.stdout, stderr: finished.stderr)
    }

    /// Writes a graph manifest into a new folder whose `plugins` path points at the bundled manifests.
    static func writeGraph(_ json: String) throws -> String {
        let folder = NSTemporaryDirectory() + "manifold-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/graph.json"
        try json.replacingOccurrences(of: "$PLUGINS", with: repositoryRoot + "/manifests/plugins")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
