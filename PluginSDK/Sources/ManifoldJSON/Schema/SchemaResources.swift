/// Where a schema document's `$id`s and `$anchor`s are, found before any `$ref` is
/// resolved (a reference may come before the identifier it names).
///
/// Only places that hold schemas are walked (`properties`, `items`, `allOf`, `$defs`, …): an
/// `$id` inside a `const` or `enum` value, or inside an unknown keyword, identifies nothing.
struct SchemaResources {
    /// Resource URI (no fragment) → JSON pointer of its root in the document.
    var resources: [String: String] = [:]
    /// `resource#anchor` → JSON pointer of the schema declaring it.
    var anchors: [String: String] = [:]
    /// JSON pointer of each schema → the base URI in effect inside it.
    var baseInside: [String: String] = [:]
    /// An `$id` or `$anchor` declared twice: the second place and the URI.
    var conflicts: [(pointer: String, uri: String)] = []

    /// Keywords whose value is one schema.
    static let singleSchemaKeywords = [
        "additionalProperties", "propertyNames", "contains", "not", "if", "then", "else", "additionalItems",
    ]
    /// Keywords whose value is an object of schemas.
    static let schemaMapKeywords = ["properties", "patternProperties", "$defs", "definitions"]
    /// Keywords whose value is an array of schemas.
    static let schemaArrayKeywords = ["prefixItems", "allOf", "anyOf", "oneOf"]

    init(document: JSONValue) {
        collect(document, pointer: "#", base: SchemaURI.defaultBase)
        if resources[SchemaURI.defaultBase] == nil { resources[SchemaURI.defaultBase] = "#" }
    }

    /// The base URI in effect at `pointer`: its own, or that of the nearest schema above it.
    func base(at pointer: String) -> String {
        var current = Substring(pointer)
        while true {
            if let base = baseInside[String(current)] { return base }
            guard let slash = current.lastIndex(of: "/") else { return SchemaURI.defaultBase }
            current = current[..<slash]
        }
    }

    private mutating func collect(_ value: JSONValue, pointer: String, base: String) {
        guard case .object(let members) = value else { return }
        var base = base
        if case .string(let id)? = members["$id"] {
            let resolved = SchemaURI.split(SchemaURI.resolve(id, against: base)).resource
            base = resolved
            if let existing = resources[resolved], existing != pointer {
                conflicts.append((pointer, resolved))
            } else {
                resources[resolved] = pointer
            }
        }
        if pointer == "#" { resources[base] = resources[base] ?? "#" }
        baseInside[pointer] = base
        if case .string(let anchor)? = members["$anchor"] {
            let uri = base + "#" + anchor
            if let existing = anchors[uri], existing != pointer { conflicts.append((pointer, uri)) } else { anchors[uri] = pointer }
        }
        for keyword in Self.singleSchemaKeywords {
            if let child = members[keyword] { collect(child, pointer: pointer + "/" + SchemaParser.escape(keyword), base: base) }
        }
        if let items = members["items"] {
            if case .array(let list) = items {
                for (index, child) in list.enumerated() { collect(child, pointer: pointer + "/items/\(index)", base: base) }
            } else {
                collect(items, pointer: pointer + "/items", base: base)
            }
        }
        for keyword in Self.schemaMapKeywords {
            guard case .object(let map)? = members[keyword] else { continue }
            for (name, child) in map {
                collect(child, pointer: pointer + "/" + SchemaParser.escape(keyword) + "/" + SchemaParser.escape(name), base: base)
            }
        }
        for keyword in Self.schemaArrayKeywords {
            guard case .array(let list)? = members[keyword] else { continue }
            for (index, child) in list.enumerated() { collect(child, pointer: pointer + "/" + keyword + "/\(index)", base: base) }
        }
    }
}
