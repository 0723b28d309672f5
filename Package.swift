// swift-tools-version:6.1
import PackageDescription

/// Swift settings shared by every Swift target: Swift 6 language mode is the package default;
/// warnings are kept at zero by CI, not by `-warnings-as-errors`, so a new compiler's new
/// warning never breaks a user's build of a released version.
let strictSettings: [SwiftSetting] = []

let package = Package(
    name: "Manifold",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "manifold", targets: ["manifold"]),
        .library(name: "Manifold", targets: ["Manifold"]),
        .library(name: "ManifoldHost", targets: ["ManifoldHost"]),
        .library(name: "ManifoldPluginKit", targets: ["ManifoldPluginKit"]),
        // C functions the bundled `tools` examples call through libffi.
        .library(name: "ManifoldExampleTools", type: .dynamic, targets: ["ManifoldExampleTools"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: Core
        .target(name: "ManifoldJSON", swiftSettings: strictSettings),
        .target(
            name: "Manifold",
            dependencies: ["ManifoldJSON", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strictSettings
        ),

        // MARK: The C ABI and system shims
        .target(name: "CManifoldABI"),
        .target(name: "CManifoldSystem"),
        .systemLibrary(name: "CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),

        // MARK: Plugin SDK and host
        .target(
            name: "ManifoldPluginKit",
            dependencies: ["Manifold", "CManifoldABI"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ManifoldHost",
            dependencies: [
                "Manifold", "CManifoldABI", "CManifoldSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "manifold",
            dependencies: [
                "ManifoldHost", "Manifold",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Agent building blocks
        .target(name: "ManifoldFFI", dependencies: ["CFFI", "CManifoldSystem", "ManifoldJSON"], swiftSettings: strictSettings),
        .target(
            name: "ManifoldLLM",
            dependencies: [
                "ManifoldJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Bundled plugins and libraries
        .target(name: "ManifoldExampleTools", path: "Plugins/ExampleTools"),

        // MARK: Tests
        .testTarget(name: "ManifoldTests", dependencies: ["Manifold"], swiftSettings: strictSettings),
        .testTarget(name: "ManifoldFFITests", dependencies: ["ManifoldFFI"], swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldLLMTests",
            dependencies: [
                "ManifoldLLM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
