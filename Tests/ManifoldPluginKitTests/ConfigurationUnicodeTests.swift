import Manifold
import ManifoldJSON
import ManifoldPluginKit
import Testing

/// A plugin whose config holds a JSON Schema, as the `schema` middleware's does.
private struct SchemaHolder: GeneratorPlugin {
    struct Configuration: Decodable, Sendable {
        var schema: JSONValue
        var limits: [Int8]
    }

    static let info = PluginInfo(
        name: "schema-holder", version: "1.0.0", summary: "Holds a schema.", ports: PortTypes(inputs: [.plainText], outputs: [.plainText]),
        configSchema: ["type": "object", "properties": ["schema": ["type": "object"], "limits": ["default": []]]])

    init(configuration: Configuration, host: PluginHost) {}
    func process(_ input: Artifact, context: ProcessingContext) async throws {}
}

@Suite("Plugin configs keep JSON's code points")
struct ConfigurationUnicodeTests {
    @Test("a JSONValue in a config keeps keys that differ only in Unicode normalisation")
    func normalisationDistinctKeysSurvive() throws {
        let nfc = "\u{E9}", nfd = "e\u{301}"
        let text = #"{"schema": {"properties": {"\#(nfc)": {"type": "string"}, "\#(nfd)": {"type": "integer"}}}}"#
        let configuration = try SchemaHolder.configuration(decoding: text)
        let properties = try #require(configuration.schema["properties"]?.objectValue)
        #expect(properties.count == 2)
        #expect(properties[nfc]?["type"] == .string("string"))
        #expect(properties[nfd]?["type"] == .string("integer"))
    }

    @Test("decoding from the parsed tree names the path of a wrong type, a null and a number out of range")
    func errorsNameTheirPath() {
        let wrongType = #expect(throws: ConfigurationError.self) {
            try SchemaHolder.configuration(decoding: #"{"schema": {}, "limits": [1, "two"]}"#)
        }
        #expect(wrongType?.message.contains("$.limits[1]") == true, "\(wrongType?.message ?? "")")
        let null = #expect(throws: ConfigurationError.self) { try SchemaHolder.configuration(decoding: #"{"schema": {}, "limits": [null]}"#) }
        #expect(null?.message.contains("$.limits[0]") == true, "\(null?.message ?? "")")
        let tooLarge = #expect(throws: ConfigurationError.self) { try SchemaHolder.configuration(decoding: #"{"schema": {}, "limits": [300]}"#) }
        #expect(tooLarge?.message.contains("300") == true, "\(tooLarge?.message ?? "")")
        let duplicate = #expect(throws: ConfigurationError.self) {
            try SchemaHolder.configuration(decoding: #"{"schema": {}, "schema": {"type": "object"}}"#)
        }
        #expect(duplicate?.message.contains("duplicate key") == true, "\(duplicate?.message ?? "")")
    }
}
