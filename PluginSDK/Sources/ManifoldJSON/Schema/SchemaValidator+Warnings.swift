extension SchemaValidator {
    /// The `x-manifold-warning`s of every schema that describes a part of `value`, in a stable
    /// order.
    ///
    /// The walk follows the keywords that say what a part of the value is: `properties`,
    /// `patternProperties`, `additionalProperties`, `prefixItems`, `items`, `$ref`, `allOf`,
    /// the alternatives of `anyOf` and `oneOf` the value matches, and the branch of
    /// `if`/`then`/`else` it takes. Conditions themselves (`if`, `not`, `contains`,
    /// `propertyNames`) describe nothing and are not walked. A warning fires for a value its
    /// schema accepts that is neither `false` nor `null`, so `"unsafe": true` warns and
    /// `"unsafe": false` does not.
    func warnings(_ value: JSONValue, against node: SchemaNode, at path: String, scope: Scope = Scope()) -> [SchemaViolation] {
        guard case .rules(let rules) = node, scope.dataDepth <= Self.maximumDepth else { return [] }
        var found: [SchemaViolation] = []
        if let warning = rules.warning, value != .null, value != .bool(false),
            validate(value, against: node, at: path, scope: scope).isEmpty
        {
            found.append(SchemaViolation(
                path: path, keyword: SchemaKeyword.warning, message: warning.render(value, at: path, redactedPaths: redactedPaths)))
        }
        if let ref = rules.ref, let target = table[ref], !scope.references.contains(ref) {
            var inner = scope
            inner.references.append(ref)
            found += warnings(value, against: target, at: path, scope: inner)
        }
        switch value {
        case .object(let members):
            for key in members.sortedKeys {
                let member = members[key]!
                let memberPath = JSONPath.appending(key, to: path)
                var matched = false
                if let schema = rules.properties[JSONKey(key)] {
                    matched = true
                    found += warnings(member, against: schema, at: memberPath, scope: scope.child)
                }
                for (pattern, schema) in rules.patternProperties where pattern.matches(key) {
                    matched = true
                    found += warnings(member, against: schema, at: memberPath, scope: scope.child)
                }
                if !matched, let additional = rules.additionalProperties {
                    found += warnings(member, against: additional, at: memberPath, scope: scope.child)
                }
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                let schema = index < rules.prefixItems.count ? rules.prefixItems[index] : rules.items
                if let schema { found += warnings(item, against: schema, at: JSONPath.appending(index: index, to: path), scope: scope.child) }
            }
        default:
            break
        }
        for schema in rules.allOf {
            found += warnings(value, against: schema, at: path, scope: scope)
        }
        for alternatives in [rules.anyOf, rules.oneOf].compactMap({ $0 }) {
            for schema in alternatives where validate(value, against: schema, at: path, scope: scope).isEmpty {
                found += warnings(value, against: schema, at: path, scope: scope)
            }
        }
        if let condition = rules.ifSchema,
            let branch = validate(value, against: condition, at: path, scope: scope).isEmpty ? rules.thenSchema : rules.elseSchema
        {
            found += warnings(value, against: branch, at: path, scope: scope)
        }
        return found
    }
}
