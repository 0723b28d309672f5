import CNATS
import Foundation

/// How a connection proves who it is to a NATS server and checks that the server is the right
/// one, read from the environment under the names the `nats` command-line tool reads, so an
/// operator's settings work unchanged:
///
/// - `NATS_CREDS`: a credentials file (a user JWT and its NKey seed, as `nsc` writes them);
/// - `NATS_USER` and `NATS_PASSWORD`, or `NATS_TOKEN`: a user and password, or a token (a URL
///   may carry a user and password too: `nats://USER:PASSWORD@HOST:PORT`);
/// - `NATS_CA`: the certificate authorities (PEM) that signed the server's certificate; with
///   it, or a `tls://` URL, the connection uses TLS;
/// - `NATS_CERT` and `NATS_KEY`: this client's certificate and key (PEM), for a server that
///   asks for one.
///
/// No value is ever shown: messages name the variable, and a file's path.
public struct NATSSecurity: Sendable {
    /// `NATS_CREDS`.
    public var credentialsFile: String?
    /// `NATS_USER`.
    public var user: String?
    /// `NATS_PASSWORD`.
    public var password: String?
    /// `NATS_TOKEN`.
    public var token: String?
    /// `NATS_CA`.
    public var certificateAuthorities: String?
    /// `NATS_CERT`.
    public var clientCertificate: String?
    /// `NATS_KEY`.
    public var clientKey: String?

    /// The settings of `environment` (the process's by default); an empty variable is unset.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        credentialsFile = value("NATS_CREDS")
        user = value("NATS_USER")
        password = value("NATS_PASSWORD")
        token = value("NATS_TOKEN")
        certificateAuthorities = value("NATS_CA")
        clientCertificate = value("NATS_CERT")
        clientKey = value("NATS_KEY")
    }

    /// Whether a connection to `server` uses TLS.
    func usesTLS(for server: NATSServerURL) -> Bool {
        server.isTLS || certificateAuthorities != nil || clientCertificate != nil
    }

    /// Sets these settings on the client's options for `server`.
    ///
    /// - Throws: `NATSError` naming the variable when a setting is incomplete or names a file
    ///   that cannot be read, before any connection is tried.
    func apply(to options: OpaquePointer, server: NATSServerURL) throws(NATSError) {
        func refuse(_ problem: String, _ fix: String) -> NATSError {
            NATSError(server: server.redacted, problem: problem, fix: fix)
        }
        func readable(_ path: String, _ variable: String) throws(NATSError) {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw refuse(
                    "cannot be used: \(variable) names \(path), which cannot be read",
                    "point \(variable) at a readable file, or unset it")
            }
        }
        func check(_ status: natsStatus, _ what: String, _ fix: String) throws(NATSError) {
            guard status == NATS_OK else { throw refuse("cannot be used: \(what): \(NATSConnection.reason(status, server: server))", fix) }
        }
        if (user == nil) != (password == nil) {
            throw refuse(
                "cannot be used: \(user == nil ? "NATS_PASSWORD is set without NATS_USER" : "NATS_USER is set without NATS_PASSWORD")",
                "set both, or neither")
        }
        if (clientCertificate == nil) != (clientKey == nil) {
            throw refuse(
                "cannot be used: \(clientKey == nil ? "NATS_CERT is set without NATS_KEY" : "NATS_KEY is set without NATS_CERT")",
                "set both (the client's certificate and its private key), or neither")
        }
        if let user, let password {
            try check(natsOptions_SetUserInfo(options, user, password), "NATS_USER and NATS_PASSWORD were refused", "check their values")
        }
        if let token {
            try check(natsOptions_SetToken(options, token), "NATS_TOKEN was refused", "check its value")
        }
        if let credentialsFile {
            try readable(credentialsFile, "NATS_CREDS")
            try check(
                natsOptions_SetUserCredentialsFromFiles(options, credentialsFile, nil), "NATS_CREDS (\(credentialsFile)) was refused",
                "give a credentials file as nsc writes it (a user JWT and an NKey seed)")
        }
        guard usesTLS(for: server) else { return }
        try check(natsOptions_SetSecure(options, true), "TLS could not be turned on", "check that this libnats was built with TLS")
        if let certificateAuthorities {
            try readable(certificateAuthorities, "NATS_CA")
            try check(
                natsOptions_LoadCATrustedCertificates(options, certificateAuthorities), "NATS_CA (\(certificateAuthorities)) was refused",
                "give the certificate authorities as PEM")
        }
        if let clientCertificate, let clientKey {
            try readable(clientCertificate, "NATS_CERT")
            try readable(clientKey, "NATS_KEY")
            try check(
                natsOptions_LoadCertificatesChain(options, clientCertificate, clientKey),
                "NATS_CERT (\(clientCertificate)) and NATS_KEY (\(clientKey)) were refused", "give a certificate and its private key as PEM")
        }
    }
}
