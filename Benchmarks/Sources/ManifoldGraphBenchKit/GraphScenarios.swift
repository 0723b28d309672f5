import Foundation
import Manifold
import ManifoldHost
import ManifoldJSON

/// In-process stand-ins for the bundled `echo` and `uppercase` plugins (same names, ports and
/// config schemas), so that validating a large graph measures the manifest, topology, config
/// and type checks, not whether the plugin libraries happen to be built.
public let standInPlugins: [String: any PluginProvider] = {
    let echo = try! InProcessPlugin.generator(
        name: "echo", ports: PortTypes(inputs: ["text/*", .chatMessage], outputs: ["text/*"]),
        configSchema: [
            "type": "object", "additionalProperties": false,
            "properties": ["split": ["enum": ["none", "words", "lines"]], "prefix": ["type": "string"], "suffix": ["type": "string"]],
        ]
    ) { _, _, _ in ClosureGenerator { _, _ in } }
    let uppercase = try! InProcessPlugin.generator(
        name: "uppercase", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: ["type": "object", "additionalProperties": false, "properties": ["suffix": ["type": "string"]]]
    ) { _, _, _ in ClosureGenerator { _, _ in } }
    return ["echo": echo, "uppercase": uppercase]
}()

/// One file measured both ways in the same round: its JSON parsed into a `JSONValue` (the
/// baseline: reading the text at all) and the whole of `GraphValidator.validate`.
public struct ValidationRound: Sendable {
    public var parse: Duration
    public var validate: Duration
}

public enum GraphBenchError: Error, CustomStringConvertible {
    case invalid(String, [GraphDiagnostic])

    public var description: String {
        switch self {
        case .invalid(let path, let diagnostics):
            return "\(path) did not validate (\(diagnostics.count) findings): "
                + diagnostics.prefix(3).map(\.description).joined(separator: "; ")
        }
    }
}

/// Parses and validates the manifest at `path`, `repeats` times each, alternating, and keeps
/// the fastest of each: noise on a shared machine only ever adds time.
public func measureValidation(of path: String, repeats: Int) throws -> ValidationRound {
    let clock = ContinuousClock()
    var parse = Duration.seconds(Int64.max)
    var validate = parse
    for _ in 0..<max(1, repeats) {
        var value: JSONValue = .null
        parse = min(parse, try clock.measure { value = try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: path))) })
        precondition(value.objectValue != nil)
        var validation: GraphValidation?
        validate = min(validate, clock.measure {
            validation = GraphValidator.validate(
                manifestAt: path, environment: [:], requireEnvironment: false,
                loaderOptions: PluginLoaderOptions(searchPaths: [], libraryPaths: []), providers: standInPlugins)
        })
        guard let validation, validation.isValid, validation.warnings.isEmpty else {
            throw GraphBenchError.invalid(path, validation?.diagnostics ?? [])
        }
    }
    return ValidationRound(parse: parse, validate: validate)
}

/// Writes a graph of `nodes` nodes into the temporary folder and returns its path.
public func largeGraphPath(nodes: Int) throws -> String {
    let path = NSTemporaryDirectory() + "manifold-bench-graph-\(nodes).json"
    try LargeGraphFile.write(nodes: nodes, to: path)
    return path
}
