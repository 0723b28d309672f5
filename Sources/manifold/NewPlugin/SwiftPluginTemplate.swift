import Foundation

/// The files of a new Swift plugin package: a generator that reverses text, `times` times.
struct SwiftPluginTemplate {
    let name: String
    /// The absolute path of the plugin SDK package the new package depends on.
    let sdkFolder: String

    var files: [GeneratedFile] {
        let type = NewPluginName.typeName(name)
        let target = type + "Plugin"
        // SwiftPM names a path dependency after its folder.
        let sdkPackage = (sdkFolder as NSString).lastPathComponent
        return [
            GeneratedFile(path: "Package.swift", contents: packageManifest(target: target, sdkPackage: sdkPackage)),
            GeneratedFile(path: "Sources/\(target)/\(type).swift", contents: source(type: type)),
            GeneratedFile(path: "Tests/\(target)Tests/\(type)Tests.swift", contents: tests(type: type, target: target)),
            GeneratedFile(path: "plugins/\(name).json", contents: PluginTemplateFiles.manifest(name: name, schema: Self.schemaJSON)),
            GeneratedFile(path: "example.json", contents: PluginTemplateFiles.exampleGraph(name: name)),
            GeneratedFile(path: "build.sh", contents: buildScript, executable: true),
            GeneratedFile(path: ".gitignore", contents: ".build/\nPackage.resolved\nplugins/*.so\n"),
            GeneratedFile(path: "README.md", contents: readme(type: type, target: target)),
        ]
    }

    /// The config schema, as the manifest states it; the source states the same in Swift.
    static let schemaJSON = """
        {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "times": { "type": "integer", "minimum": 1, "maximum": 100, "default": 1, "description": "Outputs per input." }
            }
          }
        """

    private func packageManifest(target: String, sdkPackage: String) -> String {
        """
        // swift-tools-version:6.1
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [
                // The library the host loads: lib\(name).so, copied beside plugins/\(name).json by build.sh.
                .library(name: "\(name)", type: .dynamic, targets: ["\(target)"])
            ],
            dependencies: [
                // The Manifold plugin SDK: ManifoldPluginKit, the core types and the C ABI, with
                // no dependency heavier than swift-collections.
                .package(path: "\(sdkFolder)")
            ],
            targets: [
                .target(
                    name: "\(target)",
                    dependencies: [
                        .product(name: "ManifoldPluginKit", package: "\(sdkPackage)"),
                        .product(name: "Manifold", package: "\(sdkPackage)"),
                    ]
                ),
                .testTarget(
                    name: "\(target)Tests",
                    dependencies: [
                        "\(target)",
                        .product(name: "ManifoldPluginKit", package: "\(sdkPackage)"),
                        .product(name: "Manifold", package: "\(sdkPackage)"),
                    ]
                ),
            ]
        )

        """
    }

    private func source(type: String) -> String {
        """
        import Foundation
        import Manifold
        import ManifoldPluginKit

        /// \(name): emits each text/plain input reversed, `times` times.
        struct \(type): GeneratorPlugin {
            struct Configuration: Decodable, Sendable {
                /// A config without it gets the schema's "default" (1): the SDK fills defaults in
                /// before decoding, because a synthesized Decodable ignores Swift initial values.
                var times: Int
            }

            static let info = PluginInfo(
                name: "\(name)", version: "0.1.0", summary: "Reverses text.",
                ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
                // Must equal "configSchema" in plugins/\(name).json: the host compares them.
                configSchema: [
                    "type": "object",
                    "additionalProperties": false,
                    "properties": [
                        "times": ["type": "integer", "minimum": 1, "maximum": 100, "default": 1, "description": "Outputs per input."]
                    ],
                ])

            let times: Int

            init(times: Int) {
                self.times = times
            }

            init(configuration: Configuration, host: PluginHost) throws {
                self.init(times: configuration.times)
            }

            func process(_ input: Artifact, context: ProcessingContext) async throws {
                for _ in 0..<times {
                    try await context.emit(.text(String(input.text.reversed())))
                }
            }
        }

        // The one symbol the host looks up; it must be public, or dlsym will not find it.
        @_cdecl("manifold_library_entry")
        public func manifoldLibraryEntry() -> UnsafeRawPointer? {
            PluginLibrary.entry(.generator(\(type).self))
        }

        """
    }

    private func tests(type: String, target: String) -> String {
        """
        import Manifold
        import ManifoldPluginKit
        import Testing

        @testable import \(target)

        /// Collects what a plugin emits.
        actor Emitted {
            var texts: [String] = []
            func append(_ text: String) { texts.append(text) }
        }

        @Suite("\(name)")
        struct \(type)Tests {
            @Test("the config schema and Configuration agree: what validate accepts, run decodes")
            func schemaMatchesConfiguration() {
                #expect(\(type).configurationMismatches() == [])
            }

            @Test("a config without times gets the schema's default")
            func defaultTimes() throws {
                #expect(try \(type).configuration(decoding: "{}").times == 1)
                #expect(try \(type).configuration(decoding: #"{"times": 3}"#).times == 3)
            }

            @Test("a config of the wrong type names the key")
            func wrongType() {
                #expect(throws: ConfigurationError.self) { try \(type).configuration(decoding: #"{"times": "two"}"#) }
            }

            @Test("emits the input reversed, times times")
            func reverses() async throws {
                let emitted = Emitted()
                let input = Artifact.text("hello")
                let context = ProcessingContext(node: "test", input: input) { await emitted.append($0.text) }
                try await \(type)(times: 2).process(input, context: context)
                #expect(await emitted.texts == ["olleh", "olleh"])
            }
        }

        """
    }

    private var buildScript: String {
        """
        #!/bin/sh
        # Builds the plugin and copies its library beside its manifest in plugins/.
        # `./build.sh test` then runs the unit tests and the example graph with $MANIFOLD
        # (default: the manifold on the PATH).
        set -eu
        cd "$(dirname "$0")"
        swift build --product \(name)
        cp "$(swift build --show-bin-path)/lib\(name).so" plugins/
        chmod go-w plugins/lib\(name).so    # manifold loads no library that others may change
        echo "built plugins/lib\(name).so"
        if [ "${1:-}" = test ]; then
            swift test
        \(PluginTemplateFiles.graphCheck)
        fi

        """
    }

    private func readme(type: String, target: String) -> String {
        """
        # \(name)

        A Manifold plugin in Swift: a generator that emits each text input reversed, `times`
        times (config, default 1).

        ```sh
        ./build.sh          # builds and copies lib\(name).so beside plugins/\(name).json
        ./build.sh test     # … and runs the unit tests and the example graph
        manifold run example.json --input "hello"                             # olleh
        MANIFOLD_PLUGIN_PATH=$PWD/plugins manifold run your-graph.json ...    # from any graph
        ```

        - `Sources/\(target)/\(type).swift` — the plugin and the library's entry symbol.
        - `plugins/\(name).json` — its manifest; keep its `configSchema`, types, version and
          description equal to `\(type).info`: the host compares them when it loads the library.
        - `Tests/\(target)Tests` — unit tests, including `configurationMismatches()`, which finds
          config keys the schema lets a graph leave out but `Configuration` needs.
        - `example.json` — a graph using the plugin; it finds the plugin through `"plugins": ["plugins"]`.

        Build with the same Swift toolchain as `manifold` (Swift has no stable ABI on Linux).

        """
    }
}
