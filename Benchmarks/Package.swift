// swift-tools-version:6.1
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which is whatever the checkout is called.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "ManifoldBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // The core types (the Manifold product) live in the plugin SDK package.
        .package(path: "../PluginSDK"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CBenchSupport"),
        .target(
            name: "ManifoldBenchKit",
            dependencies: ["CBenchSupport", .product(name: "Manifold", package: "PluginSDK")]
        ),
        .executableTarget(
            name: "manifold-bench-probe",
            dependencies: ["ManifoldBenchKit", .product(name: "Manifold", package: "PluginSDK")]
        ),
        .executableTarget(
            name: "manifold-wire-probe",
            dependencies: [.product(name: "Manifold", package: "PluginSDK"), .product(name: "ManifoldWire", package: rootPackage)]
        ),
        // The JSON parser against JSONDecoder, in the same run.
        .executableTarget(
            name: "manifold-json-probe",
            dependencies: [.product(name: "ManifoldJSON", package: "PluginSDK")]
        ),
        // Needs the host (plugin loading), kept apart so the hub benchmarks build without it.
        .target(
            name: "ManifoldPluginBenchKit",
            dependencies: [
                "ManifoldBenchKit",
                .product(name: "Manifold", package: "PluginSDK"),
                .product(name: "ManifoldHost", package: rootPackage),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "manifold-plugin-probe",
            dependencies: [
                "ManifoldPluginBenchKit", "ManifoldBenchKit",
                .product(name: "Manifold", package: "PluginSDK"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Generated large graphs and their validation, for how validation scales.
        .target(
            name: "ManifoldGraphBenchKit",
            dependencies: [
                "ManifoldBenchKit",
                .product(name: "Manifold", package: "PluginSDK"),
                .product(name: "ManifoldHost", package: rootPackage),
            ]
        ),
        .executableTarget(
            name: "manifold-graph-probe",
            dependencies: ["ManifoldGraphBenchKit", "ManifoldBenchKit"]
        ),
        // The NATS transport against the C client alone, on a nats-server each run starts.
        .systemLibrary(name: "CNATSClient", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        .target(
            name: "ManifoldNATSBenchKit",
            dependencies: [
                "ManifoldBenchKit", "CNATSClient",
                .product(name: "Manifold", package: "PluginSDK"),
                .product(name: "ManifoldNATS", package: rootPackage),
                .product(name: "ManifoldNATSTestSupport", package: rootPackage),
            ]
        ),
        .executableTarget(
            name: "manifold-nats-probe",
            dependencies: ["ManifoldNATSBenchKit", "ManifoldBenchKit", .product(name: "ManifoldNATSTestSupport", package: rootPackage)]
        ),
        .target(
            name: "ManifoldBenchHarness",
            dependencies: [.product(name: "Benchmark", package: "benchmark")]
        ),
        .executableTarget(
            name: "HubBenchmarks",
            dependencies: [
                "ManifoldBenchKit", "ManifoldBenchHarness",
                .product(name: "Manifold", package: "PluginSDK"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HubBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PluginBenchmarks",
            dependencies: [
                "ManifoldBenchKit", "ManifoldBenchHarness", "ManifoldPluginBenchKit",
                .product(name: "Manifold", package: "PluginSDK"),
                .product(name: "ManifoldHost", package: rootPackage),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PluginBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GraphBenchmarks",
            dependencies: [
                "ManifoldBenchKit", "ManifoldBenchHarness", "ManifoldGraphBenchKit",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/GraphBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "NATSBenchmarks",
            dependencies: [
                "ManifoldBenchKit", "ManifoldBenchHarness", "ManifoldNATSBenchKit",
                .product(name: "ManifoldNATSTestSupport", package: rootPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/NATSBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ProcessBenchmarks",
            dependencies: [
                "ManifoldBenchKit", "ManifoldBenchHarness",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ProcessBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
