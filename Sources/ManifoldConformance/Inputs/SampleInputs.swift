import Foundation
import Manifold
import ManifoldContracts
import ManifoldJSON

/// The inputs the processing checks send: one valid artifact for each type a plugin
/// accepts.
///
/// - a contract type (`chat/message`, `tool/call`, …): the example of its payload's schema
///   (`ContractSchemas`), or a sample of that schema;
/// - another JSON type (`application/json`, `…+json`): a small object;
/// - another text type (`text/*`, XML, YAML, …): a line of text;
/// - anything else: 64 bytes, 0 to 63.
///
/// A wildcard stands for the types it covers that a producer is likely to send: `*/*` for
/// `text/plain`, `application/json` and `application/octet-stream`; `text/*` for
/// `text/plain`; `chat/*` and `tool/*` for each contract type of that family; any other
/// `x/*` for `x/x-manifold-check`. Parameters of a declared type are kept
/// (`text/plain;charset=utf-8` gets that type exactly).
enum SampleInputs {
    /// The text every text sample carries.
    static let text = "Hello from manifold check-plugin: the quick brown fox jumps over the lazy dog."

    /// One sample artifact per concrete type `accepted` stands for, in a stable order, each
    /// with a correlation id of its own (`check-1`, `check-2`, …) so plugins that keep state
    /// per conversation see separate ones.
    static func artifacts(accepting accepted: ArtifactTypeSet) -> [Artifact] {
        var types: [ArtifactType] = []
        for declared in accepted.types {
            for type in concreteTypes(for: declared) where !types.contains(type) {
                types.append(type)
            }
        }
        return types.enumerated().map { index, type in
            Artifact(type: type, payload: payload(for: type), metadata: ["check": "sample"], correlationID: "check-\(index + 1)")
        }
    }

    /// The concrete types a declared type stands for.
    static func concreteTypes(for declared: ArtifactType) -> [ArtifactType] {
        guard declared.isWildcard else { return [declared] }
        let parsed: [String]
        switch (declared.type, declared.subtype) {
        case ("*", _): parsed = ["text/plain", "application/json", "application/octet-stream"]
        case ("text", _): parsed = ["text/plain"]
        case (let family, _):
            let contracts = ContractSchemas.all.keys.filter { $0.type == family }.map(\.description).sorted()
            parsed = contracts.isEmpty ? ["\(family)/x-manifold-check"] : contracts
        }
        // The declared type's parameters apply to every type it stands for.
        return parsed.compactMap { text in
            let parameters = declared.parameters.keys.sorted().map { ";\($0)=\(declared.parameters[$0]!)" }.joined()
            return try? ArtifactType(parsing: text + parameters)
        }
    }

    /// A valid payload for `type`.
    static func payload(for type: ArtifactType) -> Data {
        if let schema = ContractSchemas.schema(for: type), let sample = SchemaSample.value(for: schema) {
            return sample.serialized()
        }
        if type.subtype == "json" || type.suffix == "json" {
            let object: JSONValue = ["text": .string(text), "number": 42, "list": [1, 2, 3]]
            return object.serialized()
        }
        if type.isText { return Data(text.utf8) }
        return Data((0..<64).map { UInt8($0) })
    }
}
