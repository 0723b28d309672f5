import Foundation
import ManifoldToolsKit
import ManifoldPluginTestSupport
import Testing

/// Tool libraries are held to the plugin libraries' rules: located before anything is loaded,
/// refused when someone other than root and the user could replace them, and, when a tool
/// pins a `sha256`, hashed and loaded through the same open file.
@Suite("tools: library trust and pins")
struct ToolsLibraryTrustTests {
    /// A library with `int add(int a, int b)` and a constructor that leaves a marker file.
    struct MarkedLibrary {
        let folder: String
        let path: String
        let marker: String

        init() throws {
            folder = NSTemporaryDirectory() + "manifold-tool-trust-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            marker = folder + "/constructor-ran"
            let source = folder + "/marked.c"
            try """
                #include <stdio.h>
                int add(int a, int b) { return a + b; }
                __attribute__((constructor)) static void leave_marker(void) { FILE *f = fopen("\(marker)", "w"); if (f) fclose(f); }
                """.write(toFile: source, atomically: true, encoding: .utf8)
            path = folder + "/libmarked.so"
            let compiler = Process()
            compiler.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
            compiler.arguments = ["-shared", "-fPIC", source, "-o", path]
            try compiler.run()
            compiler.waitUntilExit()
            try #require(compiler.terminationStatus == 0)
        }

        /// The digest as `sha256sum` computes it, independently of the code under test.
        var sha256: String {
            get throws {
                let tool = Process()
                tool.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
                tool.arguments = [path]
                let output = Pipe()
                tool.standardOutput = output
                try tool.run()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                tool.waitUntilExit()
                return String(text.prefix(64))
            }
        }

        var ran: Bool { FileManager.default.fileExists(atPath: marker) }

        func tools(sha256: String? = nil, allowInsecure: Bool? = nil, library: String? = nil, paths: [String]? = nil) throws -> ToolsPlugin {
            try ToolsPlugin(configuration: ToolsConfiguration(
                tools: [ToolSpec(name: "add", library: library ?? path, symbol: "add", signature: "int32(int32 a, int32 b)", sha256: sha256)],
                libraryPaths: paths, allowInsecureLibraries: allowInsecure))
        }
    }

    @Test func aLibraryOthersCanReplaceIsRefusedBeforeItsCodeRuns() throws {
        let library = try MarkedLibrary()
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: library.folder)
        expectError(containing: [
            "config.tools[0] ('add')", "\(library.folder) (on the way to \(library.path)) is a folder writable by every user",
            "chmod go-w \(library.folder)", "config.allowInsecureLibraries",
        ]) { _ = try library.tools() }
        #expect(!library.ran)
        // The node's own switch lets it load anyway.
        _ = try library.tools(allowInsecure: true)
        #expect(library.ran)
    }

    @Test func aLinkIntoAFolderOthersCanWriteIsRefused() throws {
        let library = try MarkedLibrary()
        let exposed = try MarkedLibrary()
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: exposed.folder)
        try FileManager.default.createSymbolicLink(atPath: library.folder + "/libalias.so", withDestinationPath: exposed.path)
        expectError(containing: ["\(exposed.folder) (on the way to \(library.folder)/libalias.so)"]) {
            _ = try library.tools(library: "libalias.so", paths: [library.folder])
        }
        #expect(!exposed.ran)
    }

    @Test func aPinnedLibraryLoadsOnlyWithItsDigest() throws {
        let library = try MarkedLibrary()
        expectError(containing: [
            "config.tools[0] ('add')", "has SHA-256 \(try library.sha256)", "expects \(String(repeating: "ab", count: 32))",
            "none of its code was run",
        ]) { _ = try library.tools(sha256: String(repeating: "ab", count: 32)) }
        #expect(!library.ran)
        _ = try library.tools(sha256: try library.sha256.uppercased())
        #expect(library.ran)
    }

    @Test func bareNamesAreFoundWhereTheLoaderLooks() throws {
        // libm is found in a system folder, which root owns: it passes the same checks.
        _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: [
            ToolSpec(name: "pow", library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        ]))
        expectError(containing: ["cannot find library 'libnot-there.so.9'", "the dynamic loader's folders"]) {
            _ = try ToolsPlugin(configuration: ToolsConfiguration(tools: [
                ToolSpec(name: "nope", library: "libnot-there.so.9", symbol: "f", signature: "int32()")
            ]))
        }
    }
}
