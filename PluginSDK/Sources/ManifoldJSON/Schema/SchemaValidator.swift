/// Checks values against parsed schema nodes and words each failure for people.
struct SchemaValidator {
    /// Subschemas by JSON pointer, for `$ref`.
    let table: [String: SchemaNode]
    /// Paths whose values are shown as `***`.
    let redactedPaths: Set<String>
    /// Values nested deeper than this are reported instead of validated, so that the
    /// recursion stays within a thread's stack.
    static let maximumDepth = 256

    /// How deep the validation is: the nesting of the value (each member or element is one
    /// level) and the `$ref`s followed at the current value, which must not repeat.
    struct Scope {
        var dataDepth = 0
        var references: [String] = []

        /// The scope of a member or element of the current value.
        var child: Scope { Scope(dataDepth: dataDepth + 1, references: []) }
    }

    func validate(_ value: JSONValue, against node: SchemaNode, at path: String, scope: Scope = Scope()) -> [SchemaViolation] {
        switch node {
        case .always: return []
        case .never: return [SchemaViolation(path: path, keyword: "false", message: "no value is allowed here")]
        case .rules(let rules): return check(value, rules, at: path, scope: scope)
        }
    }

    // MARK: All types

    private func check(_ value: JSONValue, _ rules: SchemaRules, at path: String, scope: Scope) -> [SchemaViolation] {
        guard scope.dataDepth <= Self.maximumDepth else {
            return [SchemaViolation(
                path: path, keyword: "maxDepth",
                message: "the value is nested more than \(Self.maximumDepth) levels deep here, deeper than Manifold validates")]
        }
        let violations = checkKeywords(value, rules, at: path, scope: scope)
        guard let message = rules.failureMessage, !violations.isEmpty else { return violations }
        return [SchemaViolation(
            path: path, keyword: SchemaKeyword.message, message: message.render(value, at: path, redactedPaths: redactedPaths))]
    }

    private func checkKeywords(_ value: JSONValue, _ rules: SchemaRules, at path: String, scope: Scope) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        if let ref = rules.ref, let target = table[ref] {
            if scope.references.contains(ref) {
                // The same reference again without a step into the value: an endless loop.
                return [SchemaViolation(
                    path: path, keyword: "$ref",
                    message: "the schema's $ref \"\(ref)\" leads back to itself without validating any part of the value; "
                        + "the schema loops forever")]
            }
            var inner = scope
            inner.references.append(ref)
            violations += validate(value, against: target, at: path, scope: inner)
        }
        if let types = rules.types, !types.contains(where: { $0.matches(value) }) {
            violations.append(SchemaViolation(
                path: path, keyword: "type", message: "expected \(Self.list(types.map(\.rawValue), joiner: "or")), got \(describe(value, at: path))"))
            return violations
        }
        if let allowed = rules.enumValues, !allowed.contains(where: { $0.schemaEquals(value) }) {
            let expected = allowed.count == 1 ? allowed[0].shortLiteral : "one of " + allowed.map(\.shortLiteral).joined(separator: ", ")
            violations.append(SchemaViolation(path: path, keyword: "enum", message: "expected \(expected), got \(describe(value, at: path))"))
        }
        if let constant = rules.constValue, !constant.schemaEquals(value) {
            violations.append(SchemaViolation(path: path, keyword: "const", message: "expected \(constant.shortLiteral), got \(describe(value, at: path))"))
        }
        switch value {
        case .object(let members): violations += checkObject(members, rules, at: path, scope: scope)
        case .array(let items): violations += checkArray(items, rules, at: path, scope: scope)
        case .string(let text): violations += checkString(text, rules, at: path)
        case .integer, .number: violations += checkNumber(value, rules, at: path)
        case .null, .bool: break
        }
        for schema in rules.allOf {
            violations += validate(value, against: schema, at: path, scope: scope)
        }
        if let alternatives = rules.anyOf {
            let results = alternatives.map { validate(value, against: $0, at: path, scope: scope) }
            if !results.contains(where: \.isEmpty) {
                violations += noAlternativeMatched(value, alternatives, results, keyword: "anyOf", at: path)
            }
        }
        if let alternatives = rules.oneOf {
            let results = alternatives.map { validate(value, against: $0, at: path, scope: scope) }
            let matching = results.indices.filter { results[$0].isEmpty }
            if matching.isEmpty {
                violations += noAlternativeMatched(value, alternatives, results, keyword: "oneOf", at: path)
            } else if matching.count > 1 {
                violations.append(SchemaViolation(
                    path: path, keyword: "oneOf",
                    message: "matches alternatives \(Self.list(matching.map { "[\($0)]" }, joiner: "and")), but oneOf allows exactly one"))
            }
        }
        if let excluded = rules.not, validate(value, against: excluded, at: path, scope: scope).isEmpty {
            violations.append(SchemaViolation(path: path, keyword: "not", message: "\(describe(value, at: path)) matches the schema under \"not\", which it must not"))
        }
        if let condition = rules.ifSchema {
            let branch = validate(value, against: condition, at: path, scope: scope).isEmpty ? rules.thenSchema : rules.elseSchema
            if let branch { violations += validate(value, against: branch, at: path, scope: scope) }
        }
        return violations
    }

    /// Words the failure of `anyOf`/`oneOf` usefully:
    /// - when every alternative only failed on its type, one "expected A or B" message;
    /// - when exactly one alternative accepts the value's type, that alternative's own
    ///   violations (the others plainly do not apply);
    /// - otherwise one message listing the first problem of each alternative.
    private func noAlternativeMatched(
        _ value: JSONValue, _ alternatives: [SchemaNode], _ results: [[SchemaViolation]], keyword: String, at path: String
    ) -> [SchemaViolation] {
        let typeFailures = results.map { result in result.contains { $0.path == path && $0.keyword == "type" } }
        if !typeFailures.contains(false) {
            let declared = alternatives.map { alternative -> [String]? in
                if case .rules(let rules) = alternative, let types = rules.types { return types.map(\.rawValue) }
                return nil
            }
            if results.allSatisfy({ $0.count == 1 }), !declared.contains(where: { $0 == nil }) {
                var unique: [String] = []
                for name in declared.flatMap({ $0 ?? [] }) where !unique.contains(name) { unique.append(name) }
                return [SchemaViolation(
                    path: path, keyword: keyword,
                    message: "expected \(Self.list(unique, joiner: "or")), got \(describe(value, at: path))")]
            }
        }
        let candidates = typeFailures.indices.filter { !typeFailures[$0] }
        if candidates.count == 1 { return results[candidates[0]] }
        let summaries = results.enumerated().map { index, result -> String in
            guard let first = result.first else { return "[\(index)] passes" }
            let place = first.path == path ? "" : "at \(first.path): "
            let more = result.count > 1 ? " (+\(result.count - 1) more)" : ""
            return "[\(index)] \(place)\(first.message)\(more)"
        }
        let rule = keyword == "oneOf" ? "one of the alternatives (oneOf)" : "any of the alternatives (anyOf)"
        return [SchemaViolation(path: path, keyword: keyword, message: "does not match \(rule): " + summaries.joined(separator: "; "))]
    }

    // MARK: Objects

    private func checkObject(_ members: JSONObject, _ rules: SchemaRules, at path: String, scope: Scope) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        for name in rules.required where members[name] == nil {
            violations.append(SchemaViolation(path: path, keyword: "required", message: "missing required property '\(name)'"))
        }
        for (name, neededNames) in rules.dependentRequired where members[name] != nil {
            for needed in neededNames where members[needed] == nil {
                violations.append(SchemaViolation(
                    path: path, keyword: "dependentRequired", message: "property '\(needed)' is required when '\(name)' is present"))
            }
        }
        if let minimum = rules.minProperties, members.count < minimum {
            violations.append(SchemaViolation(
                path: path, keyword: "minProperties", message: "object has \(Self.count(members.count, "property", "properties")), needs at least \(minimum)"))
        }
        if let maximum = rules.maxProperties, members.count > maximum {
            violations.append(SchemaViolation(
                path: path, keyword: "maxProperties", message: "object has \(Self.count(members.count, "property", "properties")), at most \(maximum) allowed"))
        }
        for key in members.sortedKeys {
            let member = members[key]!
            let memberPath = JSONPath.appending(key, to: path)
            if let names = rules.propertyNames {
                for violation in validate(.string(key), against: names, at: memberPath, scope: scope.child) {
                    violations.append(SchemaViolation(
                        path: memberPath, keyword: "propertyNames", message: "property name '\(key)' is not allowed: \(violation.message)"))
                }
            }
            var matched = false
            if let schema = rules.properties[JSONKey(key)] {
                matched = true
                violations += validate(member, against: schema, at: memberPath, scope: scope.child)
            }
            for (pattern, schema) in rules.patternProperties where pattern.matches(key) {
                matched = true
                violations += validate(member, against: schema, at: memberPath, scope: scope.child)
            }
            guard !matched, let additional = rules.additionalProperties else { continue }
            if case .never = additional {
                violations.append(unknownProperty(key, rules, at: memberPath))
            } else {
                violations += validate(member, against: additional, at: memberPath, scope: scope.child)
            }
        }
        return violations
    }

    private func unknownProperty(_ key: String, _ rules: SchemaRules, at path: String) -> SchemaViolation {
        let names = rules.properties.keys.sorted().map(\.string)
        var allowed = names.prefix(12).joined(separator: ", ") + (names.count > 12 ? ", …" : "")
        let patterns = rules.patternProperties.map { "/\($0.pattern.source)/" }
        if !patterns.isEmpty {
            allowed += (allowed.isEmpty ? "" : ", or ") + "names matching " + patterns.joined(separator: " or ")
        }
        var message = "unknown property '\(key)' " + (allowed.isEmpty ? "(no properties are allowed here)" : "(allowed: \(allowed))")
        if let suggestion = NameSuggestion.closest(to: key, among: names) {
            message += "; did you mean '\(suggestion)'?"
        }
        return SchemaViolation(path: path, keyword: "additionalProperties", message: message)
    }

    // MARK: Arrays

    private func checkArray(_ items: [JSONValue], _ rules: SchemaRules, at path: String, scope: Scope) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        if let minimum = rules.minItems, items.count < minimum {
            violations.append(SchemaViolation(
                path: path, keyword: "minItems", message: "array has \(Self.count(items.count, "item", "items")), needs at least \(minimum)"))
        }
        if let maximum = rules.maxItems, items.count > maximum {
            violations.append(SchemaViolation(
                path: path, keyword: "maxItems", message: "array has \(Self.count(items.count, "item", "items")), at most \(maximum) allowed"))
        }
        for (index, item) in items.enumerated() {
            let itemPath = JSONPath.appending(index: index, to: path)
            if index < rules.prefixItems.count {
                violations += validate(item, against: rules.prefixItems[index], at: itemPath, scope: scope.child)
            } else if let schema = rules.items {
                if case .never = schema {
                    violations.append(SchemaViolation(
                        path: path, keyword: "items",
                        message: "array has \(Self.count(items.count, "item", "items")), at most \(rules.prefixItems.count) allowed"))
                    break
                }
                violations += validate(item, against: schema, at: itemPath, scope: scope.child)
            }
        }
        if rules.uniqueItems {
            var firstIndex: [JSONValue: Int] = [:]
            for (index, item) in items.enumerated() {
                let canonical = item.schemaCanonical
                if let earlier = firstIndex[canonical] {
                    violations.append(SchemaViolation(
                        path: path, keyword: "uniqueItems", message: "items [\(earlier)] and [\(index)] are equal; the items must be unique"))
                    break
                }
                firstIndex[canonical] = index
            }
        }
        if let contained = rules.contains {
            let matches = items.indices.filter {
                validate(items[$0], against: contained, at: JSONPath.appending(index: $0, to: path), scope: scope.child).isEmpty
            }.count
            let minimum = rules.minContains ?? 1
            if matches < minimum {
                violations.append(SchemaViolation(
                    path: path, keyword: "contains",
                    message: matches == 0 && minimum == 1
                        ? "no item matches the schema under \"contains\""
                        : "\(Self.count(matches, "item matches", "items match")) the schema under \"contains\", at least \(minimum) needed"))
            }
            if let maximum = rules.maxContains, matches > maximum {
                violations.append(SchemaViolation(
                    path: path, keyword: "maxContains",
                    message: "\(Self.count(matches, "item matches", "items match")) the schema under \"contains\", at most \(maximum) allowed"))
            }
        }
        return violations
    }

    // MARK: Strings and numbers

    private func checkString(_ text: String, _ rules: SchemaRules, at path: String) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        let length = text.unicodeScalars.count
        if let minimum = rules.minLength, length < minimum {
            violations.append(SchemaViolation(
                path: path, keyword: "minLength", message: "string is too short: \(Self.count(length, "character", "characters")), at least \(minimum) needed"))
        }
        if let maximum = rules.maxLength, length > maximum {
            violations.append(SchemaViolation(
                path: path, keyword: "maxLength", message: "string is too long: \(Self.count(length, "character", "characters")), at most \(maximum) allowed"))
        }
        if let pattern = rules.pattern, !pattern.matches(text) {
            violations.append(SchemaViolation(
                path: path, keyword: "pattern",
                message: "\(describe(.string(text), at: path)) does not match the pattern \(pattern.source)"))
        }
        return violations
    }

    private func checkNumber(_ value: JSONValue, _ rules: SchemaRules, at path: String) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        let shown = redactedPaths.contains(path) ? "the value" : value.jsonText
        func add(_ keyword: String, _ message: String) {
            violations.append(SchemaViolation(path: path, keyword: keyword, message: message))
        }
        if let limit = rules.minimum, Self.compare(value, limit) < 0 { add("minimum", "\(shown) is less than the minimum \(limit.jsonText)") }
        if let limit = rules.maximum, Self.compare(value, limit) > 0 { add("maximum", "\(shown) is greater than the maximum \(limit.jsonText)") }
        if let limit = rules.exclusiveMinimum, Self.compare(value, limit) <= 0 {
            add("exclusiveMinimum", "\(shown) must be greater than \(limit.jsonText) (exclusive minimum)")
        }
        if let limit = rules.exclusiveMaximum, Self.compare(value, limit) >= 0 {
            add("exclusiveMaximum", "\(shown) must be less than \(limit.jsonText) (exclusive maximum)")
        }
        if let divisor = rules.multipleOf, !Self.isMultiple(value, of: divisor, exactly: rules.multipleOfDecimal) {
            add("multipleOf", "\(shown) is not a multiple of \(divisor.jsonText)")
        }
        return violations
    }

    /// -1, 0 or 1; exact for two integers.
    static func compare(_ lhs: JSONValue, _ rhs: JSONValue) -> Int {
        if case .integer(let left) = lhs, case .integer(let right) = rhs {
            return left < right ? -1 : (left == right ? 0 : 1)
        }
        let left = lhs.doubleValue ?? .nan, right = rhs.doubleValue ?? .nan
        return left < right ? -1 : (left == right ? 0 : 1)
    }

    /// Whether `value` is a whole multiple of `divisor`, in exact decimal arithmetic
    /// (`SchemaDecimal`).
    static func isMultiple(_ value: JSONValue, of divisor: JSONValue, exactly decimalDivisor: SchemaDecimal?) -> Bool {
        if case .integer(let number) = value, case .integer(let step) = divisor, step != 0 {
            return number % step == 0
        }
        guard let decimalDivisor, let decimalValue = SchemaDecimal(value) else { return true }
        return decimalValue.isMultiple(of: decimalDivisor)
    }

    // MARK: Wording

    private func describe(_ value: JSONValue, at path: String) -> String {
        value.messageDescription(redacted: redactedPaths.contains(path))
    }

    /// `a`, `a or b`, `a, b or c`.
    static func list(_ items: [String], joiner: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(joiner) " + items.last!
    }

    /// `1 item`, `3 items`.
    static func count(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(count) \(count == 1 ? singular : plural)"
    }
}
