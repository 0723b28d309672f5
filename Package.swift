// swift-tools-version:6.1
import PackageDescription

/// Swift settings shared by every Swift target: Swift 6 language mode is the package default;
/// warnings are kept at zero by CI, not by `-warnings-as-errors`, so a new compiler's new
/// warning never breaks a user's build of a released version.
let strictSettings: [SwiftSetting] = []

/// A product of the plugin SDK package in `PluginSDK/`, which holds the core types, the C ABI
/// and the Swift SDK; this package uses them from there so each source exists once.
func sdk(_ product: String) -> Target.Dependency { .product(name: product, package: "PluginSDK") }

// Manifold runs on Linux: the plugin loader reads ELF headers and loads a verified library
// through /proc/self/fd. There is no `platforms` list because no Apple platform is supported.
let package = Package(
    name: "Manifold",
    products: [
        .executable(name: "manifold", targets: ["manifold"]),
        .library(name: "ManifoldWire", targets: ["ManifoldWire"]),
        .library(name: "ManifoldLink", targets: ["ManifoldLink"]),
        .library(name: "ManifoldNATS", targets: ["ManifoldNATS"]),
        .library(name: "ManifoldHost", targets: ["ManifoldHost"]),
        // Bundled plugins: each a shared library the host loads at run time.
        .library(name: "ManifoldEcho", type: .dynamic, targets: ["ManifoldEchoPlugin"]),
        .library(name: "ManifoldLines", type: .dynamic, targets: ["ManifoldLinesPlugin"]),
        .library(name: "ManifoldUppercase", type: .dynamic, targets: ["ManifoldUppercasePlugin"]),
        // forward (zero-copy relay) and ticker (a source): one C library, two plugins.
        .library(name: "ManifoldCExamples", type: .dynamic, targets: ["ManifoldCExamplesPlugin"]),
        .library(name: "ManifoldLog", type: .dynamic, targets: ["ManifoldLogPlugin"]),
        .library(name: "ManifoldFilter", type: .dynamic, targets: ["ManifoldFilterPlugin"]),
        .library(name: "ManifoldAgent", type: .dynamic, targets: ["ManifoldAgentPlugin"]),
        .library(name: "ManifoldTools", type: .dynamic, targets: ["ManifoldToolsPlugin"]),
        .library(name: "ManifoldMCP", type: .dynamic, targets: ["ManifoldMCPPlugin"]),
        // retry, timeout, rate-limit, redact and schema: one library, five plugins.
        .library(name: "ManifoldMiddleware", type: .dynamic, targets: ["ManifoldMiddlewarePlugin"]),
        // The Swift code blocks of the docs, compiled and run by the tests (Examples/Snippets).
        .library(name: "ManifoldDocSnippets", type: .dynamic, targets: ["ManifoldDocSnippets"]),
        // C functions the bundled `tools` examples call through libffi.
        .library(name: "ManifoldExampleTools", type: .dynamic, targets: ["ManifoldExampleTools"]),
        // One function per parser of untrusted input, for the libFuzzer executables of the
        // Fuzz/ package (which builds them with the sanitizers); docs/fuzzing.md.
        .library(name: "ManifoldFuzzTargets", targets: ["ManifoldFuzzTargets"]),
        // A nats-server of a test's own on a free loopback port: for the tests and the benchmarks.
        .library(name: "ManifoldNATSTestSupport", targets: ["ManifoldNATSTestSupport"]),
    ],
    dependencies: [
        // The plugin SDK and the core it needs (Manifold, ManifoldJSON, CManifoldABI,
        // ManifoldNativeBridge, ManifoldPluginKit) are a package of their own, so a plugin
        // package can depend on them without this package's dependencies.
        .package(path: "PluginSDK"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // The run journal's SQLite database (WAL mode, migrations); links the system's libsqlite3.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The `mcp` node's MCP client (JSON-RPC, the handshake, tools, cancellation) and the
        // child processes its stdio servers run in.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // `--metrics`: the Prometheus registry and its text format (on swift-metrics).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: Core
        // The versioned binary codec for artifacts, shared by transports, isolated nodes and the journal.
        .target(name: "ManifoldWire", dependencies: [sdk("Manifold")], swiftSettings: strictSettings),
        // A hub transport over a byte stream: two hubs linked by a socket, every artifact as wire frames.
        .target(name: "ManifoldLink", dependencies: [sdk("Manifold"), "ManifoldWire"], swiftSettings: strictSettings),

        // MARK: The C ABI and system shims (dlopen flags, signal handling)
        // Small C shims, one job each: the flags plugins are opened with, and forwarding signals to a pipe.
        .target(name: "CManifoldLoading"),
        .target(name: "CManifoldSignals"),
        // Names the plugin whose code crashed the host, in one line, before the process ends.
        .target(name: "CManifoldCrashReport"),
        .systemLibrary(name: "CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
        .systemLibrary(name: "CNATS", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        .target(
            name: "ManifoldNATS",
            dependencies: [
                sdk("Manifold"), "CNATS", .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),

        // MARK: Manifests (pure parsing and validation: no dlopen, no files beyond reading)
        .target(name: "ManifoldManifest", dependencies: [sdk("Manifold"), sdk("ManifoldJSON")], swiftSettings: strictSettings),

        // MARK: Plugin SDK and host
        // Whether a file that decides what code runs may be trusted: ownership and permissions
        // up to the root, and its digest read from the open file. Shared by the plugin loader
        // and the tools node's libraries.
        .target(
            name: "ManifoldTrust", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings),
        .target(
            name: "ManifoldHost",
            dependencies: [
                sdk("Manifold"), "ManifoldManifest", sdk("ManifoldJSON"), sdk("CManifoldABI"), "CManifoldLoading", sdk("ManifoldNativeBridge"),
                "ManifoldTrust", "ManifoldWire", "ManifoldLink", "ManifoldNATS", "CManifoldCrashReport", "ManifoldContracts",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The run journal: every artifact, settlement and failure of a run in an SQLite file,
        // recorded through the run observer, for `manifold runs` and resuming.
        .target(
            name: "ManifoldJournal",
            dependencies: [
                sdk("Manifold"), "ManifoldWire", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings),
        // The checks of `manifold check-plugin`, run in its child processes: a host of their
        // own that drives a plugin through the C ABI and records everything it does.
        .target(
            name: "ManifoldConformance",
            dependencies: [
                "ManifoldHost", "ManifoldManifest", "ManifoldContracts", sdk("Manifold"), sdk("ManifoldJSON"), sdk("CManifoldABI"),
                sdk("ManifoldNativeBridge"),
            ],
            swiftSettings: strictSettings
        ),
        // `--metrics`: a run's events as Prometheus metrics, served over HTTP for scrapers.
        .target(
            name: "ManifoldMetrics",
            dependencies: [
                sdk("Manifold"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // `--otlp`: a traced run's spans (per input, node and model call), sent over OTLP/HTTP.
        .target(
            name: "ManifoldTracing",
            dependencies: [
                sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldContracts", "ManifoldManifest",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // `manifold serve --mcp`: a running graph's inputs as MCP tools, over stdio or Streamable HTTP.
        .target(
            name: "ManifoldServe",
            dependencies: [
                "ManifoldHost", "ManifoldManifest", "ManifoldContracts", "ManifoldMCPValues", sdk("Manifold"), sdk("ManifoldJSON"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings),
        // JSON between the MCP SDK and Manifold, for the `mcp` node and `manifold serve --mcp`.
        .target(
            name: "ManifoldMCPValues", dependencies: [sdk("ManifoldJSON"), .product(name: "MCP", package: "swift-sdk")],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "manifold",
            dependencies: [
                "ManifoldHost", "ManifoldConformance", sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldManifest", "ManifoldNATS", "ManifoldContracts",
                "ManifoldJournal", "ManifoldTrust", "CManifoldSignals", "ManifoldServe", "ManifoldMetrics", "ManifoldTracing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Agent building blocks
        .target(name: "ManifoldFFI", dependencies: ["CFFI", sdk("ManifoldJSON")], swiftSettings: strictSettings),
        .target(
            name: "ManifoldLLM",
            dependencies: [
                sdk("ManifoldJSON"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Bundled plugins and libraries
        .target(name: "ManifoldExampleTools", path: "Plugins/ExampleTools"),
        .target(name: "ManifoldUppercasePlugin", dependencies: [sdk("CManifoldABI")], path: "Plugins/Uppercase"),
        .target(name: "ManifoldCExamplesPlugin", dependencies: [sdk("CManifoldABI")], path: "Plugins/CExamples"),
        .target(name: "ManifoldEchoPlugin", dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON")], path: "Plugins/Echo", swiftSettings: strictSettings),
        .target(name: "ManifoldLinesPlugin", dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON")], path: "Plugins/Lines", swiftSettings: strictSettings),
        .target(name: "ManifoldLogPlugin", dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold")], path: "Plugins/Log", swiftSettings: strictSettings),
        .target(name: "ManifoldFilterPlugin", dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold")], path: "Plugins/Filter", swiftSettings: strictSettings),

        // The logic of the agent-graph plugins lives in libraries, so tests can use the types
        // in-process; each plugin target only exports one of them (one entry symbol per .so).
        // The payloads of chat/* and tool/* artifacts, defined once for the plugins and the CLI that speak them.
        .target(name: "ManifoldContracts", dependencies: [sdk("Manifold"), sdk("ManifoldJSON")], swiftSettings: strictSettings),
        // Each lives under Plugins/<Name>/: Kit (the logic), Library (the .so's one export), Tests.
        .target(
            name: "ManifoldAgentKit", dependencies: [sdk("ManifoldPluginKit"), "ManifoldLLM", sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldContracts"],
            path: "Plugins/Agent/Kit", swiftSettings: strictSettings),
        .target(
            name: "ManifoldToolsKit",
            dependencies: [sdk("ManifoldPluginKit"), "ManifoldFFI", "ManifoldTrust", sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldContracts"],
            path: "Plugins/Tools/Kit", swiftSettings: strictSettings),
        .target(
            name: "ManifoldMCPKit",
            dependencies: [
                sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldContracts", "ManifoldLLM", "ManifoldMCPValues",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Plugins/MCP/Kit", swiftSettings: strictSettings),
        .target(
            name: "ManifoldMiddlewareKit", dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON")], path: "Plugins/Middleware/Kit",
            swiftSettings: strictSettings),
        .target(name: "ManifoldAgentPlugin", dependencies: ["ManifoldAgentKit", sdk("ManifoldPluginKit")], path: "Plugins/Agent/Library", swiftSettings: strictSettings),
        .target(name: "ManifoldToolsPlugin", dependencies: ["ManifoldToolsKit", sdk("ManifoldPluginKit")], path: "Plugins/Tools/Library", swiftSettings: strictSettings),
        .target(name: "ManifoldMCPPlugin", dependencies: ["ManifoldMCPKit", sdk("ManifoldPluginKit")], path: "Plugins/MCP/Library", swiftSettings: strictSettings),
        .target(
            name: "ManifoldMiddlewarePlugin", dependencies: ["ManifoldMiddlewareKit", sdk("ManifoldPluginKit")], path: "Plugins/Middleware/Library",
            swiftSettings: strictSettings),

        // The Swift code blocks of README.md and docs/*.md, each between doc-snippet markers;
        // Tests/ManifoldCLITests/DocumentationExampleTests checks the docs quote them exactly.
        .target(
            name: "ManifoldDocSnippets", dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold")], path: "Examples/Snippets/Swift",
            swiftSettings: strictSettings),

        // MARK: Fuzzing
        // The bodies of the fuzz targets: plain functions from bytes to checked invariants, run by
        // the fuzzer executables in Fuzz/ and, over the committed corpora, by ManifoldFuzzCorpusTests.
        .target(
            name: "ManifoldFuzzTargets", dependencies: ["ManifoldManifest", "ManifoldWire", "ManifoldLLM", sdk("Manifold"), sdk("ManifoldJSON")],
            swiftSettings: strictSettings),

        // MARK: Tests
        // Linked into the one test process: ends a test run that hangs, with a message.
        .target(name: "ManifoldTestWatchdog", path: "Tests/ManifoldTestWatchdog"),
        .testTarget(name: "ManifoldTrustTests", dependencies: ["ManifoldTrust", "ManifoldTestWatchdog"], swiftSettings: strictSettings),
        // The hub suites run over the in-process transport and over a ManifoldLink socket pair.
        .testTarget(name: "ManifoldTests", dependencies: [sdk("Manifold"), "ManifoldLink", "ManifoldTestWatchdog"], swiftSettings: strictSettings),
        .testTarget(name: "ManifoldLinkTests", dependencies: ["ManifoldLink", "ManifoldWire", sdk("Manifold"), "ManifoldTestWatchdog"], swiftSettings: strictSettings),
        .testTarget(name: "ManifoldWireTests", dependencies: ["ManifoldWire", sdk("Manifold")], swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldJournalTests",
            dependencies: ["ManifoldJournal", sdk("Manifold"), "ManifoldTestWatchdog", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldHostTests",
            dependencies: [
                "ManifoldHost", sdk("Manifold"), sdk("ManifoldJSON"), sdk("ManifoldNativeBridge"), sdk("CManifoldABI"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Runs the built `manifold` binary as a subprocess; depends on nothing so it tests what users run.
        // Peers/ holds the Python clients the tests start (the official MCP SDK's).
        .testTarget(name: "ManifoldCLITests", dependencies: ["ManifoldNATSTestSupport"], exclude: ["Peers"], swiftSettings: strictSettings),
        // The NATS transport against a real nats-server each test starts (scripts/setup installs it).
        .target(name: "ManifoldNATSTestSupport", path: "Tests/ManifoldNATSTestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldNATSTests", dependencies: ["ManifoldNATS", "ManifoldNATSTestSupport", sdk("Manifold"), "ManifoldTestWatchdog"],
            swiftSettings: strictSettings),
        // The Swift SDK through its public API: config decoding, schema defaults, the config probe.
        .testTarget(
            name: "ManifoldPluginKitTests",
            dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldDocSnippets"],
            swiftSettings: strictSettings),
        // Resources: the JSON-Schema-Test-Suite's draft 2020-12 files (with its licence) the runner reads.
        .testTarget(
            name: "ManifoldJSONTests", dependencies: [sdk("ManifoldJSON")], resources: [.copy("Resources/JSONSchemaTestSuite")],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldTracingTests", dependencies: ["ManifoldTracing", sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldTestWatchdog"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldMetricsTests", dependencies: ["ManifoldMetrics", sdk("Manifold"), "ManifoldTestWatchdog"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldServeTests",
            dependencies: [
                "ManifoldServe", "ManifoldHost", "ManifoldManifest", "ManifoldContracts", sdk("Manifold"), sdk("ManifoldJSON"), "ManifoldTestWatchdog",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            swiftSettings: strictSettings),
        .testTarget(name: "ManifoldContractsTests", dependencies: ["ManifoldContracts", sdk("Manifold"), sdk("ManifoldJSON")], swiftSettings: strictSettings),
        // Every file of Fuzz/Corpus and Fuzz/Regressions through its fuzz target, once.
        .testTarget(name: "ManifoldFuzzCorpusTests", dependencies: ["ManifoldFuzzTargets"], swiftSettings: strictSettings),
        .testTarget(name: "ManifoldManifestTests", dependencies: ["ManifoldManifest", sdk("Manifold"), sdk("ManifoldJSON")], swiftSettings: strictSettings),
        // What the plugins' test targets share: recorders, error expectations, time limits.
        .target(
            name: "ManifoldPluginTestSupport", dependencies: [sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON")], path: "Plugins/TestSupport",
            swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldAgentKitTests",
            dependencies: [
                "ManifoldAgentKit", "ManifoldToolsKit", "ManifoldPluginTestSupport", "ManifoldContracts", sdk("ManifoldPluginKit"), "ManifoldLLM",
                sdk("Manifold"), sdk("ManifoldJSON"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Plugins/Agent/Tests", resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldToolsKitTests",
            dependencies: ["ManifoldToolsKit", "ManifoldFFI", "ManifoldFFITestSupport", "ManifoldPluginTestSupport", "ManifoldContracts", sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON")],
            path: "Plugins/Tools/Tests", swiftSettings: strictSettings),
        // Against real MCP servers: the tests' own Python server (Fixtures) and PyPI's mcp-server-time.
        .testTarget(
            name: "ManifoldMCPKitTests",
            dependencies: [
                "ManifoldMCPKit", "ManifoldPluginTestSupport", "ManifoldContracts", sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON"),
                "ManifoldTestWatchdog",
            ],
            path: "Plugins/MCP/Tests", resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldMiddlewareKitTests",
            dependencies: ["ManifoldMiddlewareKit", "ManifoldPluginTestSupport", sdk("ManifoldPluginKit"), sdk("Manifold"), sdk("ManifoldJSON")],
            path: "Plugins/Middleware/Tests", swiftSettings: strictSettings),
        // The bundled manifests against the plugins' compiled descriptors, all plugins at once.
        .testTarget(
            name: "ManifoldStandardPluginsTests",
            dependencies: [
                "ManifoldAgentKit", "ManifoldToolsKit", "ManifoldMCPKit", "ManifoldMiddlewareKit", "ManifoldPluginTestSupport", sdk("ManifoldPluginKit"),
                sdk("Manifold"), sdk("ManifoldJSON"),
            ],
            swiftSettings: strictSettings
        ),
        // A C library whose calls block until the test releases them, built by the tests.
        .target(
            name: "ManifoldFFITestSupport", dependencies: ["ManifoldFFI"], path: "Tests/ManifoldFFITestSupport",
            swiftSettings: strictSettings),
        .testTarget(name: "ManifoldFFITests", dependencies: ["ManifoldFFI", "ManifoldFFITestSupport", sdk("ManifoldJSON")], swiftSettings: strictSettings),
        .testTarget(
            name: "ManifoldLLMTests",
            dependencies: [
                "ManifoldLLM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            // Streams recorded in each provider's wire format, one file per case.
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
    ]
)
