import ManifoldHost

/// The version `manifold --version` prints.
enum ManifoldVersion {
    static let number = "0.1.0"
    static var current: String { "\(number) (plugin ABI \(ABIVersion.host))" }
}
