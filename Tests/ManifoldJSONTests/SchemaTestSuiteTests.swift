import Foundation
import ManifoldJSON
import Testing

/// Runs the JSON Schema specification's own test cases (the JSON-Schema-Test-Suite, draft
/// 2020-12, vendored under Resources/JSONSchemaTestSuite with its licence) against
/// `JSONSchema`.
///
/// Every case of every file for a keyword Manifold claims must pass; the only exceptions are
/// listed one by one in `skipped`, each with its reason, and their schemas must be refused
/// with a message (never validated wrongly). For a keyword Manifold does not support, every
/// schema of its file must be refused, naming the keyword.
@Suite("JSON Schema: the specification's test suite (draft 2020-12)")
struct SchemaTestSuiteTests {
    /// The files of claimed keywords: every case runs.
    static let claimed = [
        "additionalProperties", "allOf", "anchor", "anyOf", "boolean_schema", "const", "contains", "content", "default", "defs",
        "dependentRequired", "enum", "exclusiveMaximum", "exclusiveMinimum", "format", "if-then-else", "infinite-loop-detection",
        "items", "maxContains", "maxItems", "maxLength", "maxProperties", "maximum", "minContains", "minItems", "minLength",
        "minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern", "patternProperties", "prefixItems", "properties",
        "propertyNames", "ref", "required", "type", "uniqueItems",
    ]

    /// Files whose schemas must all be refused, with what the refusal must name.
    static let refused: [String: [String]] = [
        "dependentSchemas": ["'dependentSchemas' is not supported"],
        "dynamicRef": ["'$dynamicRef' is not supported", "'$dynamicAnchor' is not supported", "outside this document"],
        "unevaluatedItems": ["'unevaluatedItems' is not supported"],
        "unevaluatedProperties": ["'unevaluatedProperties' is not supported"],
        // Each names a meta-schema of its own in $schema.
        "vocabulary": ["$schema names"],
        // Remote references: Manifold never fetches a schema.
        "refRemote": ["outside this document"],
    ]

    /// Why a remote reference is skipped: the schema is refused, which is tested.
    static let remote = "refers to a schema on the network (Manifold never fetches schemas; the schema is refused)"
    /// Why a case using an unsupported keyword is skipped: the schema is refused, which is tested.
    static func unsupported(_ keyword: String) -> String { "uses \(keyword), which is not supported (the schema is refused)" }

    /// Cases of claimed files that are not run, as `file / group / case`, each with its reason.
    static let skipped: [String: String] = [
        "additionalProperties / dependentSchemas with additionalProperties / additionalProperties doesn't consider dependentSchemas": unsupported("dependentSchemas"),
        "additionalProperties / dependentSchemas with additionalProperties / additionalProperties can't see bar": unsupported("dependentSchemas"),
        "additionalProperties / dependentSchemas with additionalProperties / additionalProperties can't see bar even when foo2 is present": unsupported("dependentSchemas"),
        "defs / validate definition against metaschema / valid definition schema": remote,
        "defs / validate definition against metaschema / invalid definition schema": remote,
        "not / collect annotations inside a 'not', even if collection is disabled / unevaluated property": unsupported("unevaluatedProperties"),
        "not / collect annotations inside a 'not', even if collection is disabled / annotations are still collected inside a 'not'": unsupported("unevaluatedProperties"),
        "ref / remote ref, containing refs itself / remote ref valid": remote,
        "ref / remote ref, containing refs itself / remote ref invalid": remote,
        "ref / ref creates new scope when adjacent to keywords / referenced subschema doesn't see annotations from properties": unsupported("unevaluatedProperties"),
    ]

    struct Group {
        let description: String
        let schema: JSONValue
        let cases: [(description: String, data: JSONValue, valid: Bool)]
    }

    static func groups(in folder: String, _ name: String) throws -> [Group] {
        let url = try #require(Bundle.module.url(forResource: "JSONSchemaTestSuite", withExtension: nil))
            .appendingPathComponent(folder).appendingPathComponent(name + ".json")
        let document = try JSONValue(parsing: Data(contentsOf: url))
        return try #require(document.arrayValue).map { group in
            Group(
                description: group["description"]?.stringValue ?? "?", schema: group["schema"] ?? .null,
                cases: (group["tests"]?.arrayValue ?? []).map { test in
                    (test["description"]?.stringValue ?? "?", test["data"] ?? .null, test["valid"]?.boolValue ?? false)
                })
        }
    }

    @Test(arguments: claimed)
    func claimedKeyword(_ file: String) throws {
        var failures: [String] = []
        var ran = 0, skips = 0
        for group in try Self.groups(in: "draft2020-12", file) {
            let schema: JSONSchema?
            var refusal = ""
            do {
                schema = try JSONSchema(group.schema, allowUnknownKeywords: true)
            } catch {
                schema = nil
                refusal = error.description
            }
            for test in group.cases {
                let name = "\(file) / \(group.description) / \(test.description)"
                if let reason = Self.skipped[name] {
                    // A skipped case's schema must be refused, not validated on a guess.
                    if schema != nil { failures.append("\(name): listed as skipped (\(reason)) but its schema was accepted") }
                    skips += 1
                    continue
                }
                guard let schema else {
                    failures.append("\(name): schema refused: \(refusal)")
                    continue
                }
                ran += 1
                let violations = schema.validate(test.data)
                if violations.isEmpty != test.valid {
                    failures.append(
                        "\(name): expected \(test.valid ? "valid" : "invalid"), got "
                            + (violations.isEmpty ? "valid" : violations.map(\.description).joined(separator: "; ")))
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failing:\n\(failures.joined(separator: "\n"))")
        #expect(ran + skips > 0, "no cases in \(file)")
    }

    @Test(arguments: refused.keys.sorted())
    func unsupportedKeywordIsRefused(_ file: String) throws {
        let names = try #require(Self.refused[file])
        for group in try Self.groups(in: "refused", file) {
            do {
                _ = try JSONSchema(group.schema, allowUnknownKeywords: true)
                Issue.record("\(file) / \(group.description): the schema was accepted; it must be refused")
            } catch {
                #expect(
                    names.contains { error.description.contains($0) },
                    "\(file) / \(group.description): refused without naming \(names): \(error.description)")
            }
        }
    }

    /// Every skip names a case that exists, so a renamed case cannot hide behind a stale entry.
    @Test func everySkipNamesARealCase() throws {
        var names = Set<String>()
        for file in Self.claimed {
            for group in try Self.groups(in: "draft2020-12", file) {
                for test in group.cases { names.insert("\(file) / \(group.description) / \(test.description)") }
            }
        }
        #expect(Set(Self.skipped.keys).subtracting(names).isEmpty)
    }
}
