import Foundation

/// One run of a process under `/usr/bin/time -v`: wall time (our clock), peak resident
/// memory (time's `Maximum resident set size`), exit status.
public struct ProcessMeasurement: Sendable {
    public var wall: Duration
    public var peakResidentKiB: Int
    public var status: Int32
}

public enum ProcessRunError: Error, CustomStringConvertible {
    case noTimeTool
    case failed(command: String, status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .noTimeTool: return "/usr/bin/time is missing: apt-get install -y time"
        case .failed(let command, let status, let stderr): return "`\(command)` exited with \(status): \(stderr.suffix(600))"
        }
    }
}

/// Runs `executable arguments…` under `/usr/bin/time -v` in `directory`, standard input empty.
public func measureProcess(_ executable: String, _ arguments: [String], in directory: String) throws -> ProcessMeasurement {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { throw ProcessRunError.noTimeTool }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
    process.arguments = ["-v", executable] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    let start = ContinuousClock.now
    try process.run()
    let stderr = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let wall = ContinuousClock.now - start
    let text = String(decoding: stderr, as: UTF8.self)
    let peak = text.split(separator: "\n").first { $0.contains("Maximum resident set size") }
        .flatMap { $0.split(separator: ":").last }.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
    let status = process.terminationStatus
    if status != 0 {
        throw ProcessRunError.failed(command: ([executable] + arguments).joined(separator: " "), status: status, stderr: text)
    }
    return ProcessMeasurement(wall: wall, peakResidentKiB: peak, status: status)
}

extension Duration {
    /// In milliseconds, as a Double.
    public var milliseconds: Double { Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15 }
}
