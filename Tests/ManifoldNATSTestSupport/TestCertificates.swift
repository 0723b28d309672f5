import Foundation

/// A certificate authority of a test's own, with a certificate it signed for a server on
/// 127.0.0.1 and one for a client, made by `openssl` in a temporary folder (removed when the
/// value goes away): what an operator's TLS set-up has, without the network.
public final class TestCertificates: @unchecked Sendable {
    /// The folder holding every file.
    public let folder: String
    /// The authority's certificate (PEM): what a client trusts (`NATS_CA`).
    public var authority: String { folder + "/ca.pem" }
    /// The server's certificate and key.
    public var serverCertificate: String { folder + "/server.pem" }
    public var serverKey: String { folder + "/server-key.pem" }
    /// The client's certificate and key (`NATS_CERT`, `NATS_KEY`).
    public var clientCertificate: String { folder + "/client.pem" }
    public var clientKey: String { folder + "/client-key.pem" }

    /// Makes the authority and both certificates.
    public init() throws {
        folder = NSTemporaryDirectory() + "manifold-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.openssl(in: folder, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=manifold test authority",
            "-keyout", "ca-key.pem", "-out", "ca.pem",
        ])
        for (name, extensions) in [("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"), ("client", "extendedKeyUsage=clientAuth")] {
            try extensions.write(toFile: "\(folder)/\(name).ext", atomically: true, encoding: .utf8)
            try Self.openssl(in: folder, [
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=manifold test \(name)", "-keyout", "\(name)-key.pem", "-out", "\(name).csr",
            ])
            try Self.openssl(in: folder, [
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "2",
                "-extfile", "\(name).ext", "-out", "\(name).pem",
            ])
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private static func openssl(in folder: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NATSTestServerError("openssl \(arguments.first ?? "") failed: \(String(decoding: said, as: UTF8.self))")
        }
    }
}
