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
    private let process: Process

    /// Starts a server and waits until it accepts connections.
    public init() throws {
        guard let executable = Self.executable else {
            throw NATSTestServerError(
                "nats-server is not installed; run scripts/setup --tests (or apt-get install nats-server) — the NATS tests need a real server")
        }
        var lastError = ""
        for _ in 0..<5 {
            let port = try Self.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["-a", "127.0.0.1", "-p", "\(port)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Self.waitForListener(port: port, within: 10) {
                self.port = port
                self.url = "nats://127.0.0.1:\(port)"
                self.process = process
                return
            }
            process.terminate()
            process.waitUntilExit()
            lastError = "nats-server did not listen on port \(port) within 10 s"
        }
        throw NATSTestServerError(lastError)
    }

    deinit {
        // A stopped server would never act on the terminate.
        resume()
        process.terminate()
        process.waitUntilExit()
    }

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
