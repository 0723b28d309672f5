import Foundation

/// Turns a schema document into `SchemaNode`s, collecting every problem instead of stopping
/// at the first, and resolving `$ref`s within the document (JSON pointers, `$anchor`s and
/// the `$id`s it declares, each against the base URI in effect where it is written).
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
        "$schema", "$id", "$comment", "$anchor", "title", "description", "default", "examples", "format",
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
        "$vocabulary": "it only has a meaning in a meta-schema, and Manifold validates with the draft 2020-12 vocabularies; remove it",
    ]
    /// The `$schema` values naming the supported draft.
    static let supportedDrafts: Set<String> = [
        "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#",
    ]

    let document: JSONValue
    let allowUnknownKeywords: Bool
    var problems: [SchemaError.Problem] = []
    /// Every parsed subschema by its JSON pointer (`#`, `#/$defs/name`, `#/properties/a`).
    var table: [String: SchemaNode] = [:]
    /// Every `$ref` met: the pointer and where it was written.
    var references: [(pointer: String, path: String)] = []
    /// The document's `$id`s and `$anchor`s.
    let resources: SchemaResources

    init(document: JSONValue, allowUnknownKeywords: Bool) {
        self.document = document
        self.allowUnknownKeywords = allowUnknownKeywords
        self.resources = SchemaResources(document: document)
    }

    /// Parses the whole document and resolves references; returns the root.
    mutating func parseDocument() -> SchemaNode {
        for (pointer, uri) in resources.conflicts {
            problem(Self.path(ofPointer: pointer), "\"\(uri)\" is declared more than once in this schema (by $id or $anchor); each must be unique")
        }
        let root = parse(document, path: JSONPath.root, pointer: "#", base: SchemaURI.defaultBase)
        var index = 0
        while index < references.count {
            let (pointer, path) = references[index]
            index += 1
            guard table[pointer] == nil else { continue }
            if let (target, targetPath) = resolve(pointer) {
                let parent = pointer.lastIndex(of: "/").map { String(pointer[..<$0]) } ?? "#"
                _ = parse(target, path: targetPath, pointer: pointer, base: resources.base(at: parent))
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

    mutating func parse(_ value: JSONValue, path: String, pointer: String, base: String) -> SchemaNode {
        let node: SchemaNode
        switch value {
        case .bool(true): node = .always
        case .bool(false): node = .never
        case .object(let members): node = .rules(parseRules(members, path: path, pointer: pointer, base: base))
        default:
            problem(path, "a schema must be an object or a boolean, got \(value.messageDescription())")
            node = .always
        }
        table[pointer] = node
        return node
    }

    private mutating func parseRules(_ members: JSONObject, path: String, pointer: String, base: String) -> SchemaRules {
        var rules = SchemaRules()
        let known = Set(Self.assertionKeywords + Self.annotationKeywords + Self.manifoldKeywords)
        for key in members.sortedKeys where !known.contains(key) {
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
        let base = identify(members, path: path, base: base)
        let context = Context(members: members, path: path, pointer: pointer, base: base)

        if let value = members["type"] { rules.types = parseTypes(value, path: context.path("type")) }
        if let value = members["enum"] {
            if let values = value.arrayValue {
                rules.enumValues = values
            } else {
                problem(context.path("enum"), "enum must be an array of the allowed values, got \(value.messageDescription())")
            }
        }
        rules.constValue = members["const"]

        rules.properties = schemaMap("properties", context)
        rules.required = stringList("required", context) ?? []
        rules.additionalProperties = schema("additionalProperties", context)
        if let value = members["patternProperties"] {
            if let patterns = value.objectValue {
                for key in patterns.sortedKeys {
                    let at = JSONPath.appending(key, to: context.path("patternProperties"))
                    let schema = parse(
                        patterns[key]!, path: at, pointer: context.pointer("patternProperties") + "/" + Self.escape(key), base: context.base)
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
                for key in object.sortedKeys {
                    if let names = object[key]?.arrayValue?.compactMap(\.stringValue), names.count == object[key]?.arrayValue?.count {
                        rules.dependentRequired.append((key, names))
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
        rules.multipleOfDecimal = rules.multipleOf.flatMap { SchemaDecimal($0) }
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
                if let pointer = reference(text, base: context.base, at: context.path("$ref")) {
                    rules.ref = pointer
                    references.append((pointer, context.path("$ref")))
                }
            } else {
                problem(context.path("$ref"), "$ref must be a string such as \"#/$defs/NAME\", got \(value.messageDescription())")
            }
        }
        rules.failureMessage = message(SchemaKeyword.message, context)
        rules.warning = message(SchemaKeyword.warning, context)
        for name in ["title", "description", "$comment", "$id", "$schema", "$anchor", "format"] {
            if let value = members[name], value.stringValue == nil {
                problem(context.path(name), "\(name) must be a string, got \(value.messageDescription())")
            }
        }
        return rules
    }

    // MARK: Keyword helpers

    /// The members of the schema object being parsed, and how to name a keyword's place.
    struct Context {
        let members: JSONObject
        let basePath: String
        let basePointer: String
        /// The base URI in effect inside this schema (its own `$id`, or inherited).
        let base: String

        init(members: JSONObject, path: String, pointer: String, base: String) {
            self.members = members
            self.basePath = path
            self.basePointer = pointer
            self.base = base
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
        return parse(value, path: context.path(keyword), pointer: context.pointer(keyword), base: context.base)
    }

    private mutating func schemaArray(_ keyword: String, _ context: Context, allowEmpty: Bool) -> [SchemaNode]? {
        guard let value = context.members[keyword] else { return nil }
        guard let items = value.arrayValue, allowEmpty || !items.isEmpty else {
            problem(context.path(keyword), "\(keyword) must be a non-empty array of schemas, got \(value.messageDescription())")
            return nil
        }
        return items.enumerated().map { index, item in
            parse(
                item, path: JSONPath.appending(index: index, to: context.path(keyword)), pointer: context.pointer(keyword) + "/\(index)",
                base: context.base)
        }
    }

    private mutating func schemaMap(_ keyword: String, _ context: Context) -> [JSONKey: SchemaNode] {
        guard let value = context.members[keyword] else { return [:] }
        guard let object = value.objectValue else {
            problem(context.path(keyword), "\(keyword) must be an object of name → schema, got \(value.messageDescription())")
            return [:]
        }
        var result: [JSONKey: SchemaNode] = [:]
        for key in object.sortedKeys {
            result[JSONKey(key)] = parse(
                object[key]!, path: JSONPath.appending(key, to: context.path(keyword)),
                pointer: context.pointer(keyword) + "/" + Self.escape(key), base: context.base)
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
            if names.contains(where: { JSONText.sameCodePoints($0, name) }) {
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

    /// Compiles an ECMA-262 pattern; `path` names the keyword (`…pattern`, or the member of
    /// `patternProperties`).
    private mutating func compile(_ source: String, at path: String) -> SchemaPattern? {
        let shown = JSONValue.string(source).shortLiteral
        switch ECMARegex.translate(source) {
        case .failure(let refusal):
            problem(path, "the pattern \(shown) cannot be used: \(refusal.message) (JSON Schema patterns are ECMA-262 regular expressions)")
            return nil
        case .success(let translated):
            do {
                return SchemaPattern(source: source, regex: try NSRegularExpression(pattern: translated))
            } catch {
                problem(
                    path,
                    "the pattern \(shown) is not a valid regular expression, or uses what the regular expression engine cannot do "
                        + "(such as a lookbehind of unbounded length); check its brackets, parentheses and escapes")
                return nil
            }
        }
    }

    // MARK: Identifiers and references

    /// Checks `$schema`, `$id` and `$anchor`; returns the base URI in effect inside the schema.
    private mutating func identify(_ members: JSONObject, path: String, base: String) -> String {
        if case .string(let draft)? = members["$schema"], !Self.supportedDrafts.contains(draft) {
            problem(
                JSONPath.appending("$schema", to: path),
                "$schema names \(Self.draftName(draft)), which Manifold does not validate: only draft 2020-12 is supported; "
                    + "check the schema against draft 2020-12 (items arrays became prefixItems, definitions became $defs, "
                    + "dependencies became dependentRequired) and write \"$schema\": \"https://json-schema.org/draft/2020-12/schema\"")
        }
        var base = base
        if case .string(let id)? = members["$id"] {
            let (resource, fragment) = SchemaURI.split(SchemaURI.resolve(id, against: base))
            if let fragment, !fragment.isEmpty {
                problem(
                    JSONPath.appending("$id", to: path),
                    "$id \(JSONValue.string(id).shortLiteral) has a fragment; since draft 2019-09 a plain name is declared with "
                        + "\"$anchor\": \"\(fragment)\" and $id holds a URI without '#…'")
            }
            base = resource
        }
        if case .string(let anchor)? = members["$anchor"], !Self.isAnchorName(anchor) {
            problem(
                JSONPath.appending("$anchor", to: path),
                "$anchor \(JSONValue.string(anchor).shortLiteral) is not a valid name: it must start with a letter or '_' "
                    + "and hold only letters, digits, '-', '_' and '.'")
        }
        return base
    }

    /// The document pointer `$ref` text names, or `nil` after reporting why it cannot be used.
    private mutating func reference(_ text: String, base: String, at path: String) -> String? {
        let shown = JSONValue.string(text).shortLiteral
        let (resource, fragment) = SchemaURI.split(SchemaURI.resolve(text, against: base))
        guard let root = resources.resources[resource] else {
            problem(
                path,
                "$ref \(shown) refers to a schema outside this document; Manifold never fetches schemas: copy the schema under "
                    + "\"$defs\" and refer to it as \"#/$defs/NAME\" (or give it that \"$id\" inside this document)")
            return nil
        }
        guard let fragment, !fragment.isEmpty else { return root }
        if fragment.hasPrefix("/") { return root + fragment }
        guard let anchored = resources.anchors[resource + "#" + fragment] else {
            problem(path, "$ref \(shown) names the anchor '\(fragment)', which no \"$anchor\" in this schema declares")
            return nil
        }
        return anchored
    }

    private static func isAnchorName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        }
    }

    private static func draftName(_ uri: String) -> String {
        let names = [
            "draft-07": "draft-07", "draft-06": "draft-06", "draft-04": "draft-04", "draft-03": "draft-03", "2019-09": "draft 2019-09",
        ]
        for (marker, name) in names where uri.contains(marker) { return "\(name) (\(uri))" }
        return "\"\(uri)\""
    }

    /// The JSONPath of a document pointer (`#/$defs/a` → `$.$defs.a`), for messages.
    static func path(ofPointer pointer: String) -> String {
        var path = JSONPath.root
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let index = Int(name) { path = JSONPath.appending(index: index, to: path) } else { path = JSONPath.appending(name, to: path) }
        }
        return path
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
