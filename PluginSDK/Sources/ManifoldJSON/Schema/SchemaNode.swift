import Foundation

/// A parsed schema: `true` (anything), `false` (nothing) or a set of keyword rules.
indirect enum SchemaNode: Sendable {
    case always
    case never
    case rules(SchemaRules)
}

/// The JSON Schema type names, as the `type` keyword spells them.
enum SchemaType: String, Sendable, CaseIterable {
    case null, boolean, object, array, number, string, integer

    /// Whether `value` is of this type; `integer` also accepts numbers with no fraction (`2.0`).
    func matches(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.string, .string): return true
        case (.number, .integer), (.number, .number), (.integer, .integer): return true
        case (.integer, .number(let number)): return number.isFinite && number.rounded() == number
        default: return false
        }
    }
}

/// A compiled `pattern`: an ECMA-262 regular expression translated to ICU (`ECMARegex`).
/// Matches anywhere in the string unless anchored with `^`/`$`.
struct SchemaPattern: Sendable {
    /// The pattern as the schema wrote it.
    let source: String
    let regex: NSRegularExpression

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// The rules of one schema object. Absent keywords are `nil` or empty.
struct SchemaRules: Sendable {
    var types: [SchemaType]?
    /// By name, matched by code points.
    var properties: [JSONKey: SchemaNode] = [:]
    var required: [String] = []
    var additionalProperties: SchemaNode?
    var patternProperties: [(pattern: SchemaPattern, schema: SchemaNode)] = []
    var propertyNames: SchemaNode?
    var minProperties: Int?
    var maxProperties: Int?
    /// Each property name with the names it requires, in code point order of the names.
    var dependentRequired: [(name: String, needed: [String])] = []
    var items: SchemaNode?
    var prefixItems: [SchemaNode] = []
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var contains: SchemaNode?
    var minContains: Int?
    var maxContains: Int?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    var minimum: JSONValue?
    var maximum: JSONValue?
    var exclusiveMinimum: JSONValue?
    var exclusiveMaximum: JSONValue?
    var multipleOf: JSONValue?
    /// `multipleOf` as an exact decimal.
    var multipleOfDecimal: SchemaDecimal?
    var minLength: Int?
    var maxLength: Int?
    var pattern: SchemaPattern?
    var allOf: [SchemaNode] = []
    var anyOf: [SchemaNode]?
    var oneOf: [SchemaNode]?
    var not: SchemaNode?
    var ifSchema: SchemaNode?
    var thenSchema: SchemaNode?
    var elseSchema: SchemaNode?
    /// The target of `$ref`, resolved to a JSON pointer into the document (`#/$defs/name`),
    /// whatever the reference was written as (`#anchor`, `other.json#/x` with an `$id`).
    var ref: String?
    /// `x-manifold-message`: reported, as one violation at the value, instead of every
    /// violation of this schema.
    var failureMessage: SchemaMessage?
    /// `x-manifold-warning`: a warning for every value this schema accepts other than `false`
    /// and `null`.
    var warning: SchemaMessage?
}
