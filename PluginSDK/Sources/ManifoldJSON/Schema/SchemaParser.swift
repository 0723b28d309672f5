import Foundation

/// Turns a schema document into `SchemaNode`s, collecting every problem instead of stopping
/// at the first, and resolving local `$ref`s.
struct SchemaParser {
    /// Keywords that are checked.
    static let assertionKeywords: [String] = [
        "type", "enum", "const",
        "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
        "minProperties", "maxProperties", "dependentRequired",
        "items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minLength", "maxLength", "pattern",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
        "$ref", "$defs", "definitions",
    ]
    /// Keywords that only annotate, and are accepted and ignored.
    static let annotationKeywords: [String] = [
        "$schema", "$id", "$comment", "$anchor", "$vocabulary", "title", "description", "default", "examples", "format",
        "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "contentSchema", "markdownDescription",
    ]
    /// Manifold's own vendor keywords: messages a schema author writes for people.
    static let manifoldKeywords: [String] = [SchemaKeyword.message, SchemaKeyword.warning]
    /// Keywords that would change validation but are not implemented: refusing them is safer
    /// than ignoring them.
    static let unsupportedKeywords: [String: String] = [
        "unevaluatedProperties": "use additionalProperties (with the properties listed in the same schema)",
        "unevaluatedItems": "use items with prefixItems",
        "dependentSchemas": "use if/then",
        "dependencies": "use dependentRequired, or if/then",
        "$dynamicRef": "use $ref to #/$defs/NAME",
        "$dynamicAnchor": "use $ref to #/$defs/NAME",
        "$recursiveRef": "use $ref to #/$defs/NAME",
        "$recursiveAnchor": "use $ref to #/$defs/NAME",
    ]

    let document: JSONValue
    let allowUnknownKeywords: Bool
    var problems: [SchemaError.Problem] = []
    /// Every parsed subschema by its JSON pointer (`#`, `#/$defs/name`, `#/properties/a`).
    var table: [String: SchemaNode] = [:]
    /// Every `$ref` met: the pointer and where it was written.
    var references: [(pointer: String, path: String)] = []

    init(document: JSONValue, allowUnknownKeywords: Bool) {
        self.document = document
        self.allowUnknownKeywords = allowUnknownKeywords
    }

    /// Parses the whole document and resolves references; returns the root.
    mutating func parseDocument() -> SchemaNode {
        let root = parse(document, path: JSONPath.root, pointer: "#")
        var index = 0
        while index < references.count {
            let (pointer, path) = references[index]
            index += 1
            guard table[pointer] == nil else { continue }
            if let (target, targetPath) = resolve(pointer) {
                _ = parse(target, path: targetPath, pointer: pointer)
            } else {
                let defined = (document["$defs"]?.objectValue.map { $0.keys.map { "#/$defs/\($0)" } } ?? [])
                    + (document["definitions"]?.objectValue.map { $0.keys.map { "#/definitions/\($0)" } } ?? [])
                problem(
                    path, "$ref \"\(pointer)\" points to nothing in this schema"
                        + (defined.isEmpty ? "; define it under \"$defs\"" : "; defined: \(defined.sorted().joined(separator: ", "))"))
            }
        }
        return root
    }

    // MARK: Nodes

    mutating func parse(_ value: JSONValue, path: String, pointer: String) -> SchemaNode {
        let node: SchemaNode
        switch value {
        case .bool(true): node = .always
        case .bool(false): node = .never
        case .object(let members): node = .rules(parseRules(members, path: path, pointer: pointer))
        default:
            problem(path, "a schema must be an object or a boolean, got \(value.messageDescription())")
            node = .always
        }
        table[pointer] = node
        return node
    }

    private mutating func parseRules(_ members: [String: JSONValue], path: String, pointer: String) -> SchemaRules {
        var rules = SchemaRules()
        let known = Set(Self.assertionKeywords + Self.annotationKeywords + Self.manifoldKeywords)
        for key in members.keys.sorted() where !known.contains(key) {
            let at = JSONPath.appending(key, to: path)
            if let advice = Self.unsupportedKeywords[key] {
                problem(at, "keyword '\(key)' is not supported by Manifold's validator; \(advice)")
            } else if key.hasPrefix("x-manifold-") {
                // A misspelt message keyword would silently drop the message or the warning.
                let hint = NameSuggestion.closest(to: key, among: Self.manifoldKeywords)
                problem(
                    at, "unknown Manifold keyword '\(key)'"
                        + (hint.map { "; did you mean '\($0)'?" } ?? "; the Manifold keywords are \(Self.manifoldKeywords.joined(separator: ", "))"))
            } else if !allowUnknownKeywords && !key.hasPrefix("x-") {
                let hint = NameSuggestion.closest(to: key, among: Self.assertionKeywords + Self.annotationKeywords)
                problem(
                    at, "unknown keyword '\(key)'"
                        + (hint.map { "; did you mean '\($0)'?" } ?? "; name vendor extensions x-…"))
            }
        }
        let context = Context(members: members, path: path, pointer: pointer)

        if let value = members["type"] { rules.types = parseTypes(value, path: context.path("type")) }
        if let value = members["enum"] {
            if let values = value.arrayValue, !values.isEmpty {
                rules.enumValues = values
            } else {
                problem(context.path("enum"), "enum must be a non-empty array, got \(value.messageDescription())")
            }
        }
        rules.constValue = members["const"]

        rules.properties = schemaMap("properties", context)
        rules.required = stringList("required", context) ?? []
        rules.additionalProperties = schema("additionalProperties", context)
        if let value = members["patternProperties"] {
            if let patterns = value.objectValue {
                for key in patterns.keys.sorted() {
                    let at = JSONPath.appending(key, to: context.path("patternProperties"))
                    let schema = parse(patterns[key]!, path: at, pointer: context.pointer("patternProperties") + "/" + Self.escape(key))
                    if let compiled = compile(key, at: at) { rules.patternProperties.append((compiled, schema)) }
                }
            } else {
                problem(context.path("patternProperties"), "patternProperties must be an object of pattern → schema, got \(value.messageDescription())")
            }
        }
        rules.propertyNames = schema("propertyNames", context)
        rules.minProperties = count("minProperties", context)
        rules.maxProperties = count("maxProperties", context)
        if let value = members["dependentRequired"] {
            if let object = value.objectValue {
                for key in object.keys.sorted() {
                    if let names = object[key]?.arrayValue?.compactMap(\.stringValue), names.count == object[key]?.arrayValue?.count {
                        rules.dependentRequired[key] = names
                    } else {
                        problem(JSONPath.appending(key, to: context.path("dependentRequired")), "expected an array of property names")
                    }
                }
            } else {
                problem(context.path("dependentRequired"), "dependentRequired must be an object of property → [names], got \(value.messageDescription())")
            }
        }

        if let value = members["items"], case .array = value {
            rules.prefixItems = schemaArray("items", context, allowEmpty: true) ?? []
            rules.items = schema("additionalItems", context)
            if members["prefixItems"] != nil {
                problem(context.path("items"), "items is an array (the old tuple form) and prefixItems is also given; use prefixItems and a single items schema")
            }
        } else {
            rules.items = schema("items", context)
            rules.prefixItems = schemaArray("prefixItems", context, allowEmpty: false) ?? []
            if members["additionalItems"] != nil {
                problem(context.path("additionalItems"), "additionalItems only applies with the old array form of items; use prefixItems and items")
            }
        }
        rules.minItems = count("minItems", context)
        rules.maxItems = count("maxItems", context)
        if let value = members["uniqueItems"] {
            if let flag = value.boolValue { rules.uniqueItems = flag } else {
                problem(context.path("uniqueItems"), "uniqueItems must be true or false, got \(value.messageDescription())")
            }
        }
        rules.contains = schema("contains", context)
        rules.minContains = count("minContains", context)
        rules.maxContains = count("maxContains", context)

        rules.minimum = number("minimum", context)
        rules.maximum = number("maximum", context)
        rules.exclusiveMinimum = number("exclusiveMinimum", context)
        rules.exclusiveMaximum = number("exclusiveMaximum", context)
        rules.multipleOf = number("multipleOf", context)
        if let divisor = rules.multipleOf?.doubleValue, divisor <= 0 {
            problem(context.path("multipleOf"), "multipleOf must be greater than 0, got \(rules.multipleOf!.jsonText)")
            rules.multipleOf = nil
        }
        rules.minLength = count("minLength", context)
        rules.maxLength = count("maxLength", context)
        if let value = members["pattern"] {
            if let source = value.stringValue {
                rules.pattern = compile(source, at: context.path("pattern"))
            } else {
                problem(context.path("pattern"), "pattern must be a string (a regular expression), got \(value.messageDescription())")
            }
        }

        rules.allOf = schemaArray("allOf", context, allowEmpty: false) ?? []
        rules.anyOf = schemaArray("anyOf", context, allowEmpty: false)
        rules.oneOf = schemaArray("oneOf", context, allowEmpty: false)
        rules.not = schema("not", context)
        rules.ifSchema = schema("if", context)
        rules.thenSchema = schema("then", context)
        rules.elseSchema = schema("else", context)

        for container in ["$defs", "definitions"] { _ = schemaMap(container, context) }
        if let value = members["$ref"] {
            if let text = value.stringValue {
                if text == "#" || text.hasPrefix("#/") {
                    let pointer = text.removingPercentEncoding ?? text
                    rules.ref = pointer
                    references.append((pointer, context.path("$ref")))
                } else {
                    problem(context.path("$ref"), "only local references such as \"#/$defs/NAME\" are supported, got \(value.shortLiteral)")
                }
            } else {
                problem(context.path("$ref"), "$ref must be a string such as \"#/$defs/NAME\", got \(value.messageDescription())")
            }
        }
        rules.failureMessage = message(SchemaKeyword.message, context)
        rules.warning = message(SchemaKeyword.warning, context)
        for name in ["title", "description", "$comment", "$id", "$schema", "format"] {
            if let value = members[name], value.stringValue == nil {
                problem(context.path(name), "\(name) must be a string, got \(value.messageDescription())")
            }
        }
        return rules
    }

    // MARK: Keyword helpers

    /// The members of the schema object being parsed, and how to name a keyword's place.
    struct Context {
        let members: [String: JSONValue]
        let basePath: String
        let basePointer: String

        init(members: [String: JSONValue], path: String, pointer: String) {
            self.members = members
            self.basePath = path
            self.basePointer = pointer
        }

        func path(_ keyword: String) -> String { JSONPath.appending(keyword, to: basePath) }
        func pointer(_ keyword: String) -> String { basePointer + "/" + SchemaParser.escape(keyword) }
    }

    private mutating func parseTypes(_ value: JSONValue, path: String) -> [SchemaType]? {
        let names: [(String, String)]
        switch value {
        case .string(let name): names = [(name, path)]
        case .array(let items) where !items.isEmpty:
            var collected: [(String, String)] = []
            for (index, item) in items.enumerated() {
                guard let name = item.stringValue else {
                    problem(JSONPath.appending(index: index, to: path), "a type name must be a string, got \(item.messageDescription())")
                    continue
                }
                collected.append((name, JSONPath.appending(index: index, to: path)))
            }
            names = collected
        default:
            problem(path, "type must be a type name or a non-empty array of them, got \(value.messageDescription())")
            return nil
        }
        var types: [SchemaType] = []
        for (name, at) in names {
            if let type = SchemaType(rawValue: name) {
                if types.contains(type) { problem(at, "type \"\(name)\" is listed twice") } else { types.append(type) }
            } else {
                let all = SchemaType.allCases.map(\.rawValue)
                problem(
                    at, "unknown type \"\(name)\""
                        + (NameSuggestion.closest(to: name, among: all).map { "; did you mean \"\($0)\"?" } ?? "")
                        + " (types: \(all.joined(separator: ", ")))")
            }
        }
        return types.isEmpty ? nil : types
    }

    private mutating func schema(_ keyword: String, _ context: Context) -> SchemaNode? {
        guard let value = context.members[keyword] else { return nil }
        return parse(value, path: context.path(keyword), pointer: context.pointer(keyword))
    }

    private mutating func schemaArray(_ keyword: String, _ context: Context, allowEmpty: Bool) -> [SchemaNode]? {
        guard let value = context.members[keyword] else { return nil }
        guard let items = value.arrayValue, allowEmpty || !items.isEmpty else {
            problem(context.path(keyword), "\(keyword) must be a non-empty array of schemas, got \(value.messageDescription())")
            return nil
        }
        return items.enumerated().map { index, item in
            parse(item, path: JSONPath.appending(index: index, to: context.path(keyword)), pointer: context.pointer(keyword) + "/\(index)")
        }
    }

    private mutating func schemaMap(_ keyword: String, _ context: Context) -> [String: SchemaNode] {
        guard let value = context.members[keyword] else { return [:] }
        guard let object = value.objectValue else {
            problem(context.path(keyword), "\(keyword) must be an object of name → schema, got \(value.messageDescription())")
            return [:]
        }
        var result: [String: SchemaNode] = [:]
        for key in object.keys.sorted() {
            result[key] = parse(
                object[key]!, path: JSONPath.appending(key, to: context.path(keyword)),
                pointer: context.pointer(keyword) + "/" + Self.escape(key))
        }
        return result
    }

    private mutating func stringList(_ keyword: String, _ context: Context) -> [String]? {
        guard let value = context.members[keyword] else { return nil }
        guard let items = value.arrayValue else {
            problem(context.path(keyword), "\(keyword) must be an array of property names, got \(value.messageDescription())")
            return nil
        }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            guard let name = item.stringValue else {
                problem(JSONPath.appending(index: index, to: context.path(keyword)), "expected a property name (string), got \(item.messageDescription())")
                continue
            }
            if names.contains(name) {
                problem(JSONPath.appending(index: index, to: context.path(keyword)), "'\(name)' is listed twice")
            } else {
                names.append(name)
            }
        }
        return names
    }

    private mutating func count(_ keyword: String, _ context: Context) -> Int? {
        guard let value = context.members[keyword] else { return nil }
        guard let integer = value.integerValue, integer >= 0, let count = Int(exactly: integer) else {
            problem(context.path(keyword), "\(keyword) must be a non-negative integer, got \(value.messageDescription())")
            return nil
        }
        return count
    }

    private mutating func number(_ keyword: String, _ context: Context) -> JSONValue? {
        guard let value = context.members[keyword] else { return nil }
        if case .bool = value, keyword.hasPrefix("exclusive") {
            problem(
                context.path(keyword),
                "\(keyword) is a number since draft 6, not a boolean; write \"\(keyword)\": LIMIT instead of \"\(keyword == "exclusiveMinimum" ? "minimum" : "maximum")\" with true")
            return nil
        }
        guard value.doubleValue != nil else {
            problem(context.path(keyword), "\(keyword) must be a number, got \(value.messageDescription())")
            return nil
        }
        return value
    }

    private mutating func message(_ keyword: String, _ context: Context) -> SchemaMessage? {
        guard let value = context.members[keyword] else { return nil }
        guard let template = value.stringValue, !template.allSatisfy(\.isWhitespace) else {
            problem(context.path(keyword), "\(keyword) must be a non-empty string (the message people read), got \(value.messageDescription())")
            return nil
        }
        switch SchemaMessage.parse(template) {
        case .success(let message):
            return message
        case .failure(let failure):
            problem(context.path(keyword), failure.message)
            return nil
        }
    }

    private mutating func compile(_ source: String, at path: String) -> SchemaPattern? {
        do {
            return SchemaPattern(source: source, regex: try NSRegularExpression(pattern: source))
        } catch {
            problem(path, "\(JSONValue.string(source).shortLiteral) is not a valid regular expression")
            return nil
        }
    }

    // MARK: References

    /// Finds the value a local JSON pointer names, and the JSONPath of that place.
    private func resolve(_ pointer: String) -> (JSONValue, String)? {
        guard pointer.hasPrefix("#") else { return nil }
        var value = document
        var path = JSONPath.root
        let body = pointer.dropFirst()
        guard !body.isEmpty else { return (value, path) }
        guard body.hasPrefix("/") else { return nil }
        for rawToken in body.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = rawToken.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch value {
            case .object(let members):
                guard let next = members[token] else { return nil }
                value = next
                path = JSONPath.appending(token, to: path)
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                value = items[index]
                path = JSONPath.appending(index: index, to: path)
            default:
                return nil
            }
        }
        return (value, path)
    }

    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    private mutating func problem(_ path: String, _ message: String) {
        problems.append(SchemaError.Problem(path: path, message: message))
    }
}
