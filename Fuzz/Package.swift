// swift-tools-version:6.1
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which is whatever the checkout is called.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// One libFuzzer executable per fuzz target (`ManifoldFuzzTargets.FuzzTarget`), named
/// `fuzz-<target>`.
let fuzzTargets = [
    "graph-manifest", "plugin-manifest", "artifact-type", "wire", "sse", "ndjson", "json-parser", "json-scanner", "json-schema",
    "openai-stream", "anthropic-stream", "ollama-stream",
]

// The fuzzers, a package of their own so that neither `swift build` nor `swift test` of the
// repository builds them: they only link with `-sanitize=fuzzer`, which scripts/fuzz passes
// (with `-sanitize=address`) to every module, so that the code under test is instrumented too.
// See docs/fuzzing.md.
let package = Package(
    name: "ManifoldFuzz",
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver.
        .target(name: "CLibFuzzer"),
        .target(
            name: "ManifoldFuzzDriver",
            dependencies: ["CLibFuzzer", .product(name: "ManifoldFuzzTargets", package: rootPackage)]
        ),
    ]
        + fuzzTargets.map { name in
            .executableTarget(name: "fuzz-\(name)", dependencies: ["ManifoldFuzzDriver"])
        }
)
