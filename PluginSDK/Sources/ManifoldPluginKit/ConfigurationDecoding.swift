import Foundation
import ManifoldJSON

/// A config that did not decode into the plugin's `Configuration`.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// Makes an error; `message` should name the config key, e.g. "config.rules[0].matches: …".
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Decodes a node's config JSON into a plugin's `Configuration`, with errors that name the key.
enum ConfigurationDecoding {
    /// Decodes `text` after filling the keys it leaves out from `schema`'s defaults.
    ///
    /// `plugin` names the plugin in the message for a key the `Configuration` needs but the
    /// schema lets a config leave out: that is a fault of the plugin, not of the graph.
    static func decode<Configuration: Decodable>(
        _: Configuration.Type, from text: String, schema: JSONValue?, plugin: String
    ) throws -> Configuration {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let json = trimmed.isEmpty || trimmed == "null" ? "{}" : trimmed
        do {
            // Parsed and decoded as JSON, not through Foundation's JSONDecoder, which keys
            // objects by String and so merges keys that differ only in Unicode normalisation.
            let given = try JSONValue(parsing: json)
            let filled = SchemaDefaults.apply(to: given, schema: schema)
            return try JSONValueDecoder().decode(Configuration.self, from: filled)
        } catch let DecodingError.keyNotFound(key, context) {
            let location = path(context.codingPath + [key])
            if ConfigurationProbe.schemaRequires(path: context.codingPath + [key], in: schema) {
                throw ConfigurationError(message: "config is missing '\(key.stringValue)' (at \(location)): add it to the node's config")
            }
            throw ConfigurationError(
                message: "config is missing '\(key.stringValue)' (at \(location)), which plugin '\(plugin)' needs but its config schema "
                    + "neither requires nor gives a default: add it to the node's config; the plugin should give it a \"default\" "
                    + "in its config schema or make the property optional")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ConfigurationError(message: "config at \(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError(message: "config at \(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ConfigurationError(message: "config does not decode: \(error)")
        }
    }

    /// A coding path as a JSON path: `$.rules[0].matches`.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("$") { $0 + ($1.intValue.map { "[\($0)]" } ?? ".\($1.stringValue)") }
    }
}
