// swift-tools-version:6.1
import PackageDescription

// The plugin SDK: what a plugin needs and nothing heavier. The host (the repository's root
// package) depends on this package by path, so each of these sources exists once; a plugin
// package depends on it alone and resolves only swift-collections, never the host's network,
// crypto or HTTP dependencies.
let package = Package(
    name: "manifold-plugin-sdk",
    products: [
        // The Swift SDK: export a plugin, decode its config, emit artifacts.
        .library(name: "ManifoldPluginKit", targets: ["ManifoldPluginKit"]),
        // The C ABI headers (manifold_plugin.h), for plugins and hosts written against the C contract.
        .library(name: "CManifoldABI", targets: ["CManifoldABI"]),
        // Artifacts, artifact types, hubs and streamers: the runtime's core types.
        .library(name: "Manifold", targets: ["Manifold"]),
        // JSON values and JSON Schema validation, used for configs.
        .library(name: "ManifoldJSON", targets: ["ManifoldJSON"]),
        // Artifact <-> C view conversion, shared by the host and the SDK.
        .library(name: "ManifoldNativeBridge", targets: ["ManifoldNativeBridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0")
    ],
    targets: [
        .target(name: "ManifoldJSON"),
        .target(name: "Manifold", dependencies: [.product(name: "DequeModule", package: "swift-collections")]),
        .target(name: "CManifoldABI"),
        .target(name: "ManifoldNativeBridge", dependencies: ["Manifold", "CManifoldABI"]),
        .target(name: "ManifoldPluginKit", dependencies: ["Manifold", "ManifoldJSON", "CManifoldABI", "ManifoldNativeBridge"]),
    ]
)
