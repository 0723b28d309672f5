import Foundation
import ManifoldJSON

/// Finds the configs `manifold validate` accepts and `manifold run` would refuse: keys a
/// plugin's `Configuration` needs that its config schema neither requires nor defaults.
///
/// `validate` reads only the schema, so such a key passes it and then fails the node's
/// `create`. The probe decodes the smallest config the schema allows — defaults filled in,
/// required keys given a value the schema suggests — and names each key decoding still misses.
enum ConfigurationProbe {
    /// How many keys one probe fills before giving up (a `Configuration` with more is unusual).
    private static let keyLimit = 256

    /// One message per key the schema lets a config leave out but `Configuration` needs, and
    /// one for a default or suggested value that does not decode.
    static func mismatches<Configuration: Decodable>(
        _: Configuration.Type, schema: JSONValue?, plugin: String
    ) -> [String] {
        var config = JSONValue.object([:])
        var problems: [String] = []
        for _ in 0..<keyLimit {
            do {
                let filled = SchemaDefaults.apply(to: config, schema: schema)
                _ = try JSONValueDecoder().decode(Configuration.self, from: filled)
                return problems
            } catch let DecodingError.keyNotFound(key, context) {
                let keyPath = context.codingPath + [key]
                let path = ConfigurationDecoding.path(keyPath)
                let propertySchema = subschema(at: keyPath, in: schema)
                if !schemaRequires(path: keyPath, in: schema) {
                    problems.append(
                        "plugin '\(plugin)': config key \(path) is needed by its Configuration, but its config schema neither "
                            + "lists it in \"required\" nor gives it a \"default\", so `manifold validate` accepts a config without "
                            + "it and `manifold run` refuses that config; add a \"default\" to the property in the schema, or make "
                            + "the property optional in Configuration")
                }
                guard let sample = sampleValue(for: propertySchema), let next = setting(sample, at: keyPath[...], in: config) else {
                    problems.append("plugin '\(plugin)': cannot probe beyond \(path): its schema suggests no value (give it a \"default\" or \"examples\")")
                    return problems
                }
                config = next
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                problems.append(
                    "plugin '\(plugin)': the config schema's default or example at \(ConfigurationDecoding.path(context.codingPath)) "
                        + "does not decode: \(context.debugDescription); make the schema and Configuration agree")
                return problems
            } catch {
                problems.append("plugin '\(plugin)': the smallest config its schema allows does not decode: \(error)")
                return problems
            }
        }
        return problems
    }

    /// Whether the schema lists the last key of `path` in the `required` of the object holding it.
    static func schemaRequires(path: [any CodingKey], in schema: JSONValue?) -> Bool {
        guard let last = path.last else { return false }
        let parent = subschema(at: path.dropLast(), in: schema)
        return parent?["required"]?.arrayValue?.contains(.string(last.stringValue)) ?? false
    }

    /// The schema that applies at `path`, following `properties` and `items`.
    private static func subschema(at path: some Collection<any CodingKey>, in schema: JSONValue?) -> JSONValue? {
        var current = schema
        for key in path {
            current = key.intValue == nil ? current?["properties"]?[key.stringValue] : current?["items"]
        }
        return current
    }

    /// A value the schema itself suggests: an example, the constant, the first allowed value,
    /// the default, or the simplest value of its type.
    private static func sampleValue(for schema: JSONValue?) -> JSONValue? {
        guard let schema else { return nil }
        if let example = schema["examples"]?.arrayValue?.first { return example }
        if let constant = schema["const"] { return constant }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        if let defaultValue = schema["default"] { return defaultValue }
        let type = schema["type"]?.stringValue ?? schema["type"]?.arrayValue?.first?.stringValue
        switch type {
        case "string": return .string(String(repeating: "a", count: Int(schema["minLength"]?.integerValue ?? 0)))
        case "integer": return .integer(schema["minimum"]?.integerValue ?? 0)
        case "number": return .number(schema["minimum"]?.doubleValue ?? 0)
        case "boolean": return .bool(false)
        case "array": return .array([])
        case "object": return .object([:])
        case "null": return .null
        default: return nil
        }
    }

    /// `root` with `value` set at `path`, through objects only (a key under an array element
    /// is not probed: the array stays empty).
    private static func setting(_ value: JSONValue, at path: ArraySlice<any CodingKey>, in root: JSONValue) -> JSONValue? {
        guard let key = path.first else { return value }
        guard key.intValue == nil, var members = root.objectValue else { return nil }
        guard let child = setting(value, at: path.dropFirst(), in: members[key.stringValue] ?? .object([:])) else { return nil }
        members[key.stringValue] = child
        return .object(members)
    }
}
