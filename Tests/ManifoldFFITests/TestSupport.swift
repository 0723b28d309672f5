import Foundation
import ManifoldFFI
import ManifoldJSON
import Testing

/// Where the shared libraries under test live.
enum TestLibraries {
    #if canImport(Darwin)
    static let libm = "/usr/lib/libSystem.B.dylib"
    static let libc = "/usr/lib/libSystem.B.dylib"
    static let exampleToolsFileName = "libManifoldExampleTools.dylib"
    #else
    static let libm = "libm.so.6"
    static let libc = "libc.so.6"
    static let exampleToolsFileName = "libManifoldExampleTools.so"
    #endif

    /// The example tools library: `MANIFOLD_EXAMPLE_TOOLS_LIBRARY`, or the build folder the
    /// test binary runs from (`swift test` builds every product, including this dynamic
    /// library, next to the test bundle), searched upwards to the `.build*` folder.
    static let exampleTools: String? = {
        if let path = ProcessInfo.processInfo.environment["MANIFOLD_EXAMPLE_TOOLS_LIBRARY"], !path.isEmpty {
            return path
        }
        let executable: URL
        #if os(Linux)
        executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #else
        executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        #endif
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(exampleToolsFileName)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            if directory.lastPathComponent.hasPrefix(".build") { break }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }()

    /// Binds a function of the example tools library, failing the test clearly when the
    /// library was not built.
    static func exampleTool(_ symbol: String, _ signature: String, name: String? = nil) throws -> ForeignFunction {
        let path = try #require(
            exampleTools,
            "\(exampleToolsFileName) not found near the test binary; run `swift test` (which builds it) or set MANIFOLD_EXAMPLE_TOOLS_LIBRARY"
        )
        return try ForeignFunction(library: path, symbol: symbol, signature: signature, name: name)
    }
}

/// Runs `body`, which must throw a `ForeignCallError` whose message contains every fragment.
@discardableResult
func expectFailure<T>(
    containing fragments: String...,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(ForeignCallError) -> T
) -> ForeignCallError? {
    do {
        let value = try body()
        Issue.record("expected a ForeignCallError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch {
        let message = error.description
        for fragment in fragments {
            #expect(message.contains(fragment), "message \"\(message)\" lacks \"\(fragment)\"", sourceLocation: sourceLocation)
        }
        return error
    }
}
