import Foundation

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
    static func decode<Configuration: Decodable>(_: Configuration.Type, from text: String) throws -> Configuration {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let json = trimmed.isEmpty || trimmed == "null" ? "{}" : trimmed
        do {
            return try JSONDecoder().decode(Configuration.self, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ConfigurationError(message: "config is missing '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ConfigurationError(message: "config at \(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ConfigurationError(message: "config at \(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ConfigurationError(message: "config does not decode: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("$") { $0 + ($1.intValue.map { "[\($0)]" } ?? ".\($1.stringValue)") }
    }
}
