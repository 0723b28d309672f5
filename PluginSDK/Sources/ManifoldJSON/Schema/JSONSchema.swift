/// A JSON Schema (draft 2020-12) parsed once and used to validate many values; the
/// supported and refused keywords are listed in docs/json-schema.md.
///
/// Supported keywords: `type` (one or several; `integer` accepts `2.0`), `enum` (empty:
/// nothing matches), `const`, `properties`, `required`, `additionalProperties` (boolean or
/// schema), `patternProperties`, `propertyNames`, `minProperties`, `maxProperties`,
/// `dependentRequired`, `items`, `prefixItems`, `minItems`, `maxItems`, `uniqueItems`,
/// `contains`, `minContains`, `maxContains`, `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum`, `multipleOf` (exact decimal arithmetic), `minLength` and `maxLength`
/// (counted in Unicode scalars), `pattern` (ECMA-262, see `ECMARegex`), `allOf`, `anyOf`,
/// `oneOf`, `not`, `if`/`then`/`else`, and `$ref` resolved within the document through JSON
/// pointers, `$anchor`s and `$id`s (each `$id` changes the base URI below it). References
/// outside the document are refused, as is a `$schema` naming another draft. Strings and
/// member names compare by code points. Annotations (`title`, `description`, `default`,
/// `examples`, `format`, `$comment`, …) are accepted and ignored; `format` is not checked.
///
/// Two vendor keywords of Manifold's own word what people read (`SchemaKeyword`):
/// `x-manifold-message` replaces the violations of the schema holding it by one message, and
/// `x-manifold-warning` makes `warnings(for:redacting:)` report a value that is set.
///
/// Unknown keywords are refused by default, with a suggestion ("unknown keyword 'propertes';
/// did you mean 'properties'?"), because a misspelt keyword would otherwise silently validate
/// nothing; names starting with `x-` are left for vendor extensions, except an unknown
/// `x-manifold-…` name, which is always refused (a misspelt message keyword would silently
/// drop its message). Keywords that would change validation but are not implemented
/// (`unevaluatedProperties`, `dependentSchemas`, `$dynamicRef`, `$vocabulary`, …) are always
/// refused.
public struct JSONSchema: Sendable {
    /// The schema document as given.
    public let source: JSONValue
    let root: SchemaNode
    /// Every subschema by JSON pointer, for `$ref`.
    let table: [String: SchemaNode]

    /// Parses and checks a schema.
    ///
    /// - Parameter allowUnknownKeywords: accept and ignore keywords this validator does not
    ///   know (for schemas written for other tools).
    /// - Throws: `SchemaError` listing every problem, each at its path in the schema.
    public init(_ source: JSONValue, allowUnknownKeywords: Bool = false) throws(SchemaError) {
        var parser = SchemaParser(document: source, allowUnknownKeywords: allowUnknownKeywords)
        let root = parser.parseDocument()
        guard parser.problems.isEmpty else { throw SchemaError(problems: parser.problems) }
        self.source = source
        self.root = root
        self.table = parser.table
    }

    /// Every way `value` fails the schema, in a stable order; empty when it is valid.
    ///
    /// - Parameter redactedPaths: paths (relative to `value`, starting with `$`) whose values
    ///   must not appear in messages, e.g. values substituted from the environment; messages
    ///   show `***` instead.
    public func validate(_ value: JSONValue, redacting redactedPaths: Set<String> = []) -> [SchemaViolation] {
        let validator = SchemaValidator(table: table, redactedPaths: redactedPaths)
        return validator.validate(value, against: root, at: JSONPath.root)
    }

    /// Whether `value` is valid.
    public func accepts(_ value: JSONValue) -> Bool {
        validate(value).isEmpty
    }

    /// The warnings the schema's `x-manifold-warning` keywords give for `value`, each at its
    /// path with keyword `x-manifold-warning`, in a stable order and without repeats; empty
    /// when the schema has none. A warning never makes a value invalid: `validate` and
    /// `accepts` ignore them.
    ///
    /// - Parameter redactedPaths: as for `validate`: placeholders show `***` for these values.
    public func warnings(for value: JSONValue, redacting redactedPaths: Set<String> = []) -> [SchemaViolation] {
        let validator = SchemaValidator(table: table, redactedPaths: redactedPaths)
        var seen = Set<SchemaViolation>()
        return validator.warnings(value, against: root, at: JSONPath.root).filter { seen.insert($0).inserted }
    }
}
