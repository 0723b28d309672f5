import Foundation
import Testing

/// Every code block of README.md and docs/*.md is checked against what it shows; the
/// convention is in docs/contributing.md ("Code blocks in the documentation").
@Suite("documentation examples")
struct DocumentationExampleTests {
    static let blocks: [DocumentationBlocks.Block] = DocumentationBlocks.documents.flatMap { (try? DocumentationBlocks.blocks(in: $0)) ?? [] }

    @Test("the documents have code blocks to check")
    func documentsWereRead() {
        #expect(Self.blocks.count > 40)
        #expect(Self.blocks.contains { $0.language == "swift" })
        #expect(Self.blocks.contains { $0.language == "c" })
    }

    @Test("each swift and c block is a marked region of a compiled file in Examples/Snippets, and each region is quoted")
    func codeBlocksAreCompiledSnippets() throws {
        let regions = try DocumentationBlocks.snippetRegions()
        #expect(regions.count >= 3)
        for block in Self.blocks where block.language == "swift" || block.language == "c" {
            #expect(
                regions.contains { $0.text == block.text },
                "\(block) is not the text of any region between '// doc-snippet: begin' and '// doc-snippet: end' in Examples/Snippets: put the code there (where it is compiled and tested) and quote it exactly"
            )
        }
        for region in regions {
            #expect(Self.blocks.contains { $0.text == region.text }, "the snippet region of \(region.file) is quoted by no document: quote it or remove it")
        }
    }

    @Test("the C snippets compile against the header alone and load as plugin libraries")
    func cSnippetsLoad() async throws {
        let folder = NSTemporaryDirectory() + "manifold-doc-snippets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = folder + "/libsnippet.so"
        try await TestCPlugin.compile([CLI.repositoryRoot + "/Examples/Snippets/C/library.c"], into: library)
        let inspected = try await CLI.run(["inspect", library])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        #expect(inspected.stdout.contains("my-plugin"))
    }

    @Test("the documented plugin Package.swift loads in SwiftPM, depending on the SDK package alone")
    func pluginPackageManifestLoads() async throws {
        let scratch = NSTemporaryDirectory() + "manifold-doc-package-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let child = try await ChildProcess.launch(
            executable: "/usr/bin/env",
            arguments: ["swift", "package", "--package-path", CLI.repositoryRoot + "/Examples/Snippets/PluginPackage", "--scratch-path", scratch, "dump-package"],
            directory: CLI.repositoryRoot)
        try child.input.fileHandleForWriting.close()
        let finished = await child.collect(timeLimit: CLI.timeLimit)
        #expect(finished.status == 0, "\(finished.stderr)")
        let package = try #require(try JSONSerialization.jsonObject(with: Data(finished.stdout.utf8)) as? [String: Any])
        #expect(package["name"] as? String == "word-count")
        let dependencies = try #require(package["dependencies"] as? [Any])
        #expect(dependencies.count == 1)
        #expect(finished.stdout.contains("PluginSDK"))
    }

    @Test("each json block is JSON, and each graph in one validates with the bundled plugins")
    func jsonBlocksParse() async throws {
        for block in Self.blocks where block.language == "json" {
            let parsed = try? JSONSerialization.jsonObject(with: Data(block.text.utf8))
            #expect(parsed != nil, "\(block) is not JSON: complete it, or tag an excerpt as text")
            guard let graph = parsed as? [String: Any], graph["manifold"] != nil else { continue }
            // The documents show graphs as they sit in Examples/: plugin folders are relative to it.
            let folder = NSTemporaryDirectory() + "manifold-doc-graph-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let text = block.text.replacingOccurrences(of: "\"../manifests/plugins\"", with: "\"\(CLI.repositoryRoot)/manifests/plugins\"")
            try text.write(toFile: folder + "/graph.json", atomically: true, encoding: .utf8)
            let validated = try await CLI.run(["validate", folder + "/graph.json"])
            #expect(validated.status == 0, "\(block) does not validate:\n\(validated.stderr)")
        }
    }

    @Test("each manifold command in sh blocks and $-transcripts names a real subcommand and options it accepts")
    func shellCommandsExist() async throws {
        var help: [String: CLI.Result] = [:]
        for block in Self.blocks where block.language == "sh" || block.language.isEmpty {
            for rawLine in block.text.split(separator: "\n") {
                var line = String(rawLine)
                if block.language.isEmpty {
                    guard line.hasPrefix("$ ") else { continue }
                    line.removeFirst(2)
                }
                for words in DocumentationBlocks.commands(in: line) {
                    try await check(words, in: block, help: &help)
                }
            }
        }
    }

    private func check(_ words: [String], in block: DocumentationBlocks.Block, help: inout [String: CLI.Result]) async throws {
        let program = words[0]
        if program.hasPrefix("scripts/") {
            #expect(FileManager.default.isExecutableFile(atPath: CLI.repositoryRoot + "/" + program), "\(block): \(program) does not exist")
            return
        }
        if let index = words.firstIndex(of: "--product"), index + 1 < words.count {
            let product = words[index + 1].replacingOccurrences(of: "$p", with: "")
            if !product.isEmpty {
                let manifests = try ["/Package.swift", "/Benchmarks/Package.swift"].map {
                    try String(contentsOfFile: CLI.repositoryRoot + $0, encoding: .utf8)
                }
                #expect(manifests.contains { $0.contains("name: \"\(product)\"") }, "\(block): no product named \(product)")
            }
        }
        guard program == "manifold" || program.hasSuffix("/manifold"), words.count > 1 else { return }
        var subcommand = [words[1]]
        if help[words[1]] == nil { help[words[1]] = try await CLI.run([words[1], "--help"]) }
        var usage = help[words[1]]!
        #expect(usage.status == 0, "\(block): 'manifold \(words[1])' is not a subcommand")
        // A nested subcommand (`manifold runs show`) has options of its own.
        if words.count > 2, !words[2].hasPrefix("-"), usage.stdout.contains("SUBCOMMANDS:"),
            usage.stdout.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(words[2] + " ") })
        {
            subcommand.append(words[2])
            let key = subcommand.joined(separator: " ")
            if help[key] == nil { help[key] = try await CLI.run(subcommand + ["--help"]) }
            usage = help[key]!
            #expect(usage.status == 0, "\(block): 'manifold \(key)' is not a subcommand")
        }
        for word in words.dropFirst(1 + subcommand.count) where word.hasPrefix("--") {
            let option = String(word.prefix { $0 != "=" })
            #expect(usage.stdout.contains(option), "\(block): 'manifold \(subcommand.joined(separator: " "))' has no option \(option)")
        }
        for word in words.dropFirst(2) where word.hasPrefix("Examples/") {
            #expect(FileManager.default.fileExists(atPath: CLI.repositoryRoot + "/" + word), "\(block): \(word) does not exist")
        }
    }
}
