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

/// A compiled `pattern` (ICU syntax through `NSRegularExpression`, close to ECMA-262 for
/// the patterns schemas use). Matches anywhere in the string unless anchored with `^`/`$`.
struct SchemaPattern: Sendable {
    let source: String
    let regex: NSRegularExpression

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// The rules of one schema object. Absent keywords are `nil` or empty.
struct SchemaRules: Sendable {
    var types: [SchemaType]?
    var properties: [String: SchemaNode] = [:]
    var required: [String] = []
    var additionalProperties: SchemaNode?
    var patternProperties: [(pattern: SchemaPattern, schema: SchemaNode)] = []
    var propertyNames: SchemaNode?
    var minProperties: Int?
    var maxProperties: Int?
    var dependentRequired: [String: [String]] = [:]
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
    /// A local reference, as a normalised JSON pointer (`#/$defs/name`).
    var ref: String?
    /// `x-manifold-message`: reported, as one violation at the value, instead of every
    /// violation of this schema.
    var failureMessage: SchemaMessage?
    /// `x-manifold-warning`: a warning for every value this schema accepts other than `false`
    /// and `null`.
    var warning: SchemaMessage?
}
