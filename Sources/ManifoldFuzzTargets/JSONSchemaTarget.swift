import Foundation
import ManifoldJSON

/// `JSONSchema` on any JSON document: it parses or lists problems that each say something at a
/// path; a schema it parses validates values without trapping, and every violation and warning
/// has a path, a keyword and a message. The values validated are simple ones of each type, the
/// document itself and the values inside it (its `const`s, `enum`s, `default`s and `examples`
/// are the values most likely to reach deep into the schema). A secret (a value substituted
/// from the environment, at a redacted path) appears in no violation or warning.
public func fuzzJSONSchema(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    guard let document = try? JSONParser.parse(Data(bytes)) else { return }
    for allowUnknownKeywords in [false, true] {
        switch outcome({ () throws(SchemaError) in try JSONSchema(document, allowUnknownKeywords: allowUnknownKeywords) }) {
        case .failure(let error):
            try require(!error.problems.isEmpty, "SchemaError without problems")
            for problem in error.problems {
                try requireMessage(problem.message, "schema problem at \(problem.path)")
                try require(problem.path.hasPrefix("$"), "schema problem at \(problem.path.debugDescription), not a JSON path")
            }
        case .success(let schema):
            try check(schema, document)
            return
        }
    }
}

private let simpleValues: [JSONValue] = [.null, .bool(true), .integer(0), .integer(-3), .number(2.5), .string(""), .string("a"), .array([]), .object([:])]

/// At most this many values from inside the document are validated: enough to reach each part
/// of a small schema, few enough that a run stays fast.
private let documentValueLimit = 32

private func check(_ schema: JSONSchema, _ document: JSONValue) throws(FuzzFailure) {
    var values = simpleValues + [document]
    collectValues(of: document, into: &values, limit: simpleValues.count + 1 + documentValueLimit)
    for value in values {
        let violations = schema.validate(value)
        try require(schema.accepts(value) == violations.isEmpty, "accepts(\(value.jsonText)) disagrees with validate")
        for violation in violations + schema.warnings(for: value) {
            try requireMessage(violation.message, "violation at \(violation.path) of \(value.jsonText)")
            try require(!violation.keyword.isEmpty, "violation without a keyword: \(violation)")
            try require(violation.path.hasPrefix("$"), "violation at \(violation.path.debugDescription), not a JSON path")
        }
    }
    try checkRedaction(schema, document)
}

/// Stands for a secret in the values validated; a schema that holds this text itself may
/// quote it, so such a schema is not checked for it.
private let secret = "s3cr3t-7Q2x"

/// Validates values holding `secret` at a redacted path (a string alone, a member, a member
/// whose name needs brackets, an element) and requires that no message quotes it.
private func checkRedaction(_ schema: JSONSchema, _ document: JSONValue) throws(FuzzFailure) {
    guard !document.jsonText.contains(secret) else { return }
    let root = JSONPath.root
    let cases: [(value: JSONValue, path: String)] = [
        (.string(secret), root),
        (.object(["k": .string(secret)]), JSONPath.appending("k", to: root)),
        (.object(["a b": .string(secret), "k": .integer(1)]), JSONPath.appending("a b", to: root)),
        (.array([.string(secret), .string(secret)]), JSONPath.appending(index: 0, to: root)),
    ]
    for (value, path) in cases {
        var paths: Set<String> = [path]
        if case .array = value { paths.insert(JSONPath.appending(index: 1, to: root)) }
        for violation in schema.validate(value, redacting: paths) + schema.warnings(for: value, redacting: paths) {
            try require(!violation.message.contains(secret), "a redacted value at \(path) appears in: \(violation)")
        }
    }
}

/// The values inside `value`, breadth first, until `values` holds `limit`.
private func collectValues(of value: JSONValue, into values: inout [JSONValue], limit: Int) {
    var queue = [value]
    var next = 0
    while next < queue.count, values.count < limit {
        let children: [JSONValue]
        switch queue[next] {
        case .array(let elements): children = elements
        case .object(let members): children = members.sortedKeys.compactMap { members[$0] }
        default: children = []
        }
        next += 1
        for child in children where values.count < limit {
            values.append(child)
            queue.append(child)
        }
    }
}
