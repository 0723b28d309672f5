import ManifoldJSON

/// One parameter of a `CSignature`.
public struct CParameter: Sendable, Hashable, CustomStringConvertible {
    /// The parameter's name as written in the signature, or `nil` when the signature names
    /// no parameters (arguments must then be passed as a JSON array).
    public let name: String?
    /// The parameter's C type; never `.void`.
    public let type: CType

    /// Creates a parameter; used by the signature parser.
    init(name: String?, type: CType) {
        self.name = name
        self.type = type
    }

    /// The parameter in canonical form, e.g. `double x` or `int32`.
    public var description: String {
        name.map { "\(type) \($0)" } ?? type.description
    }
}

/// A parsed C function signature such as `double(double x, double y)`.
///
/// Create one with `init(parsing:)`; the grammar is:
///
///     signature  := type [function-name] "(" parameters ")" [";"]
///     parameters := "" | "void" | parameter ("," parameter)*
///     parameter  := type [name]
///
/// Types are the canonical names of `CType` (`int32`, `uint8`, `string`, `ptr`, …) or C
/// spellings (`int`, `unsigned long`, `int64_t`, `size_t`, `const char*`, `void*`, …).
/// Either every parameter has a name or none has; names must be unique. Variadic functions
/// and pointer types other than `char*` (string) and `void*` (opaque) are not supported.
public struct CSignature: Sendable, Hashable, CustomStringConvertible {
    /// The text the signature was parsed from.
    public let text: String
    /// The return type; may be `.void`, never `.pointer`.
    public let returnType: CType
    /// The function name written before `(`, if any (informational only: binding uses the
    /// symbol name given separately).
    public let functionName: String?
    /// The parameters, in order.
    public let parameters: [CParameter]

    /// Parses a C-like signature.
    ///
    /// - Throws: `ForeignCallError.invalidSignature` naming the column (1-based) and what
    ///   was expected there.
    public init(parsing text: String) throws(ForeignCallError) {
        var parser = SignatureParser(text)
        self = try parser.parse()
    }

    /// Creates a signature from parts already validated by the parser.
    init(text: String, returnType: CType, functionName: String?, parameters: [CParameter]) {
        self.text = text
        self.returnType = returnType
        self.functionName = functionName
        self.parameters = parameters
    }

    /// Whether the parameters have names, so arguments can be passed as a JSON object.
    public var hasNamedParameters: Bool {
        parameters.first?.name != nil
    }

    /// The signature in canonical form, e.g. `double(double x, double y)`.
    public var description: String {
        "\(returnType)(\(parameters.map(\.description).joined(separator: ", ")))"
    }

    /// A JSON Schema for the arguments object: each named parameter becomes a required
    /// property typed by `CType.jsonSchemaType`, with `minimum`/`maximum` for integers.
    ///
    /// Signatures without parameter names describe a JSON array of positional arguments
    /// instead (`prefixItems`, with `minItems` = `maxItems` = the parameter count).
    public var argumentsSchema: JSONValue {
        let items = parameters.map { parameter -> JSONValue in
            var schema: [String: JSONValue] = [:]
            if let type = parameter.type.jsonSchemaType { schema["type"] = .string(type) }
            if let bounds = parameter.type.integerBounds {
                schema["minimum"] = .integer(bounds.min)
                // uint64's maximum does not fit a JSON integer here; leave it unbounded.
                if let max = Int64(exactly: bounds.max) { schema["maximum"] = .integer(max) }
            }
            return .object(schema)
        }
        if parameters.isEmpty || hasNamedParameters {
            var properties: [String: JSONValue] = [:]
            for (parameter, schema) in zip(parameters, items) {
                properties[parameter.name ?? ""] = schema
            }
            return .object([
                "type": "object",
                "properties": .object(properties),
                "required": .array(parameters.compactMap { $0.name.map(JSONValue.string) }),
                "additionalProperties": false,
            ])
        }
        let count = JSONValue.integer(Int64(parameters.count))
        return .object([
            "type": "array", "prefixItems": .array(items), "minItems": count, "maxItems": count,
        ])
    }
}
