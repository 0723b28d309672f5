import Manifold
import ManifoldJSON
import ManifoldPluginKit
import Testing

/// A plugin whose `Configuration` needs keys the schema gives defaults for, at the top level,
/// in a nested object and in the elements of an array.
private struct Defaulted: GeneratorPlugin {
    struct Rule: Decodable, Sendable {
        var pattern: String
        var caseSensitive: Bool
    }

    struct Limits: Decodable, Sendable {
        var maximum: Int
    }

    struct Configuration: Decodable, Sendable {
        var times: Int
        var label: String
        var limits: Limits
        var rules: [Rule]
    }

    static let info = PluginInfo(
        name: "defaulted", version: "1.0.0", summary: "Has defaults.", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: [
            "type": "object", "additionalProperties": false,
            "properties": [
                "times": ["type": "integer", "minimum": 1, "default": 1],
                "label": ["type": "string", "default": "none"],
                "limits": [
                    "type": "object", "default": [:],
                    "properties": ["maximum": ["type": "integer", "default": 10]],
                ],
                "rules": [
                    "type": "array", "default": [],
                    "items": [
                        "type": "object", "required": ["pattern"],
                        "properties": ["pattern": ["type": "string"], "caseSensitive": ["type": "boolean", "default": true]],
                    ],
                ],
            ],
        ])

    init(configuration: Configuration, host: PluginHost) {}
    func process(_ input: Artifact, context: ProcessingContext) async throws {}
}

/// The synthesized-Decodable mistake: `= 1` looks like a default but the key is required,
/// and the schema neither requires it nor gives a default.
private struct Forgetful: GeneratorPlugin {
    struct Configuration: Decodable, Sendable {
        var times: Int = 1
        var name: String
    }

    static let info = PluginInfo(
        name: "forgetful", version: "1.0.0", summary: "Forgets a default.", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: [
            "type": "object", "required": ["name"],
            "properties": ["times": ["type": "integer", "minimum": 1], "name": ["type": "string", "minLength": 1]],
        ])

    init(configuration: Configuration, host: PluginHost) {}
    func process(_ input: Artifact, context: ProcessingContext) async throws {}
}

/// A schema default of the wrong type for the Swift property.
private struct MistypedDefault: GeneratorPlugin {
    struct Configuration: Decodable, Sendable { var times: Int }

    static let info = PluginInfo(
        name: "mistyped", version: "1.0.0", summary: "Mistyped default.", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: ["type": "object", "properties": ["times": ["default": "once"]]])

    init(configuration: Configuration, host: PluginHost) {}
    func process(_ input: Artifact, context: ProcessingContext) async throws {}
}

@Suite("config defaults from the schema")
struct ConfigurationDefaultsTests {
    @Test("an empty config takes every default, at any depth of properties and items")
    func emptyConfigTakesDefaults() throws {
        for empty in ["{}", "", "null", "  "] {
            let configuration = try Defaulted.configuration(decoding: empty)
            #expect(configuration.times == 1)
            #expect(configuration.label == "none")
            #expect(configuration.limits.maximum == 10)
            #expect(configuration.rules.isEmpty)
        }
    }

    @Test("given keys win over defaults, and defaults fill the gaps inside given objects and array elements")
    func givenKeysWin() throws {
        let configuration = try Defaulted.configuration(
            decoding: #"{"times": 3, "limits": {}, "rules": [{"pattern": "a"}, {"pattern": "b", "caseSensitive": false}]}"#)
        #expect(configuration.times == 3)
        #expect(configuration.label == "none")
        #expect(configuration.limits.maximum == 10)
        #expect(configuration.rules.map(\.caseSensitive) == [true, false])
    }

    @Test("a key the schema requires and the config leaves out is the graph's fault, and the message says so")
    func missingRequiredKey() {
        let error = #expect(throws: ConfigurationError.self) {
            try Defaulted.configuration(decoding: #"{"rules": [{"caseSensitive": true}]}"#)
        }
        #expect(error?.message == "config is missing 'pattern' (at $.rules[0].pattern): add it to the node's config")
    }

    @Test("a key Configuration needs but the schema lets a config leave out names the plugin as at fault")
    func missingUndeclaredKey() {
        let error = #expect(throws: ConfigurationError.self) { try Forgetful.configuration(decoding: #"{"name": "x"}"#) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("config is missing 'times' (at $.times), which plugin 'forgetful' needs"), "\(message)")
        #expect(message.contains("give it a \"default\" in its config schema or make the property optional"), "\(message)")
    }

    @Test("a wrong type names the key")
    func wrongType() {
        let error = #expect(throws: ConfigurationError.self) {
            try Defaulted.configuration(decoding: #"{"limits": {"maximum": "ten"}}"#)
        }
        #expect(error?.message.hasPrefix("config at $.limits.maximum: ") == true, "\(String(describing: error))")
    }

    @Test("the probe passes a plugin whose schema covers its Configuration")
    func probePassesAgreeingPlugin() {
        #expect(Defaulted.configurationMismatches() == [])
    }

    @Test("the probe finds the key that validate accepts leaving out and run refuses, and only that one")
    func probeFindsUndeclaredKey() {
        let mismatches = Forgetful.configurationMismatches()
        #expect(mismatches.count == 1)
        #expect(mismatches.first?.contains("config key $.times is needed by its Configuration") == true)
        #expect(mismatches.first?.contains("plugin 'forgetful'") == true)
    }

    @Test("the probe refuses a schema default that does not decode")
    func probeFindsMistypedDefault() {
        let mismatches = MistypedDefault.configurationMismatches()
        #expect(mismatches.count == 1)
        #expect(mismatches.first?.contains("default or example at $.times does not decode") == true)
    }
}
