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
    }

    /// Runs `manifold` with `arguments` in the repository root, feeding `stdin` if given.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        let error = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe never blocks the child.
        let errorData = Mutexed(Data())
        let errorRead = DispatchSemaphore(value: 0)
        let reader = Thread {
            errorData.set(error.fileHandleForReading.readDataToEndOfFile())
            errorRead.signal()
        }
        reader.start()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorRead.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errorData.value, as: UTF8.self))
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

/// A value set once by another thread.
final class Mutexed: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data

    init(_ value: Data) { stored = value }

    func set(_ value: Data) {
        lock.lock()
        stored = value
        lock.unlock()
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
