import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `nats-server` of a test's own on a free loopback port, killed when the test ends.
///
/// The tests run against the real server (Debian's `nats-server`; `scripts/setup --tests` installs it).
/// Not found, the test fails with how to install it, rather than passing without a server.
public final class NATSTestServer: @unchecked Sendable {
    /// `nats://127.0.0.1:PORT`.
    public let url: String
    /// The port it listens on.
    public let port: Int
    /// Where JetStream keeps its files (removed when the test ends).
    public let storeDirectory: String
    private let executable: String
    private let options: [String]
    private var process: Process

    /// Starts a server with JetStream on, storing in a temporary folder, and waits until it
    /// accepts connections.
    ///
    /// - Parameters:
    ///   - options: more of the server's options (`--user`, `--tls`, …).
    ///   - scheme: the scheme of `url` (`tls` for a server that takes only TLS).
    ///   - jetStream: whether JetStream is on (`-js`): off, the server is one a graph cannot use.
    public init(options: [String] = [], scheme: String = "nats", jetStream: Bool = true) throws {
        guard let executable = Self.executable else {
            throw NATSTestServerError(
                "nats-server is not installed; run scripts/setup --tests (or apt-get install nats-server) — the NATS tests need a real server")
        }
        self.executable = executable
        self.options = options + (jetStream ? ["-js"] : [])
        storeDirectory = NSTemporaryDirectory() + "manifold-nats-\(UUID().uuidString)"
        var lastError = ""
        for _ in 0..<5 {
            let port = try Self.freePort()
            let process = try Self.start(executable, port: port, store: storeDirectory, options: self.options)
            if Self.waitForListener(port: port, within: 10) {
                self.port = port
                self.url = "\(scheme)://127.0.0.1:\(port)"
                self.process = process
                return
            }
            process.terminate()
            process.waitUntilExit()
            lastError = "nats-server did not listen on port \(port) within 10 s"
        }
        throw NATSTestServerError(lastError)
    }

    private static func start(_ executable: String, port: Int, store: String, options: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-a", "127.0.0.1", "-p", "\(port)", "-sd", store] + options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    deinit {
        // A stopped server would never act on the terminate.
        resume()
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: storeDirectory)
    }

    /// Stops the server and starts it again on the same port with the same store, as an
    /// operator restarting a broker would: what JetStream stored survives.
    public func restart(after pause: Duration = .zero) throws {
        process.terminate()
        process.waitUntilExit()
        if pause > .zero { Thread.sleep(forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18) }
        process = try Self.start(executable, port: port, store: storeDirectory, options: options)
        guard Self.waitForListener(port: port, within: 10) else {
            throw NATSTestServerError("nats-server did not listen again on port \(port) within 10 s")
        }
    }

    /// The server's process id.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Freezes the server (SIGSTOP): connections stay open, nothing is answered — a server
    /// that stalls.
    public func pause() {
        kill(process.processIdentifier, SIGSTOP)
    }

    /// Lets a paused server go on.
    public func resume() {
        kill(process.processIdentifier, SIGCONT)
    }

    static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/sbin", "/usr/bin"] {
            let candidate = "\(folder)/nats-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A port nothing listens on now (the kernel's choice for port 0).
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw NATSTestServerError("socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw NATSTestServerError("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func waitForListener(port: Int, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(descriptor)
            if connected { return true }
            usleep(20_000)
        }
        return false
    }
}

/// The test server could not be started.
public struct NATSTestServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
