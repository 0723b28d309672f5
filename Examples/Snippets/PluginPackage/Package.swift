// swift-tools-version:6.1
// The outside plugin package of docs/plugins.md ("A plugin package of your own"), with the
// SDK's path as it is from here; the tests check that this manifest loads.
// doc-snippet: begin
import PackageDescription

let package = Package(
    name: "word-count",
    products: [
        // libword-count.so: put it beside its manifest, plugins/word-count.json.
        .library(name: "word-count", type: .dynamic, targets: ["WordCountPlugin"])
    ],
    dependencies: [
        // The plugin SDK package only: swift-collections is its one dependency.
        .package(path: "../../../PluginSDK")
    ],
    targets: [
        .target(
            name: "WordCountPlugin",
            dependencies: [
                .product(name: "ManifoldPluginKit", package: "PluginSDK"),
                .product(name: "Manifold", package: "PluginSDK"),
            ]
        )
    ]
)
// doc-snippet: end
