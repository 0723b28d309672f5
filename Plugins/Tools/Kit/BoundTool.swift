import ManifoldContracts
import ManifoldFFI
import ManifoldJSON
import ManifoldPluginKit

/// A tool ready to call: its C function, bound once at create, and how the model sees it.
struct BoundTool: Sendable {
    /// The name the model calls it by.
    let name: String
    /// What the model reads about it.
    let description: String
    /// The JSON Schema of its arguments.
    let parameters: JSONValue
    /// The bound C function.
    let function: ForeignFunction
    /// The group of `DangerousSymbols` its symbol is in; such a tool was granted `"unsafe": true`.
    let dangerousGroup: DangerousSymbols.Group?

    /// The tool's catalog entry: `{"name", "description", "parameters"}`.
    var catalogEntry: ToolCatalogEntry {
        ToolCatalogEntry(name: name, description: description, parameters: parameters)
    }

    /// Binds `spec`, the `index`th tool of the config.
    ///
    /// - Throws: `ConfigurationError` naming `config.tools[index]`, the tool and the fix.
    static func bind(_ spec: ToolSpec, index: Int, resolver: LibraryResolver) throws -> BoundTool {
        func failure(_ reason: String) -> ConfigurationError {
            ConfigurationError(message: "config.tools[\(index)] ('\(spec.name)'): \(reason)")
        }
        guard ToolNameRules.isValid(spec.name) else {
            throw failure("the name is not a valid tool name: use 1 to 64 letters, digits, '_' or '-'")
        }
        // Refused before the library is opened: a refused tool runs no code, not even a
        // library's constructors.
        let dangerousGroup = DangerousSymbols.group(of: spec.symbol)
        if let dangerousGroup, spec.unsafe != true {
            throw failure(
                "symbol '\(spec.symbol)' can \(dangerousGroup.risk) (it is on the list of dangerous C functions, "
                    + "group '\(dangerousGroup.name)'); a tool is code the model may run at any time with any arguments, "
                    + "so this one loads only with \"unsafe\": true: set config.tools[\(index)].unsafe to true "
                    + "if the model should have that power, or choose another function")
        }
        let signature: CSignature
        do {
            signature = try CSignature(parsing: spec.signature)
        } catch {
            throw failure("\(error)")
        }
        if !signature.parameters.isEmpty && !signature.hasNamedParameters {
            throw failure(
                "the signature \(signature) names no parameters; name them (e.g. double(double x, double y)) "
                    + "so the model can pass arguments by name")
        }
        if let parameters = spec.parameters, parameters["type"]?.stringValue != "object" {
            throw failure("parameters must be a JSON Schema with \"type\": \"object\" (models pass named arguments)")
        }
        let function: ForeignFunction
        do {
            let library = try resolver.open(spec.library, sha256: spec.sha256)
            function = try library.function(symbol: spec.symbol, signature: signature, name: spec.name)
        } catch {
            throw failure("\(error)")
        }
        return BoundTool(
            name: spec.name,
            description: spec.description ?? "Calls the C function \(spec.symbol): \(signature)",
            parameters: spec.parameters ?? signature.argumentsSchema,
            function: function, dangerousGroup: dangerousGroup)
    }
}

/// Tool-name rules every model provider accepts.
enum ToolNameRules {
    /// Whether `name` is 1 to 64 of `[A-Za-z0-9_-]`.
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
}
