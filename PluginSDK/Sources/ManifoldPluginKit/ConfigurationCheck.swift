extension GeneratorPlugin {
    /// What `manifold run` would refuse in a config that `manifold validate` accepts: each key
    /// `Configuration` needs that `info.configSchema` neither requires nor gives a `default`,
    /// and each schema default that does not decode. Empty when schema and type agree.
    ///
    /// Call it in the plugin's tests: `#expect(Reverse.configurationMismatches() == [])`.
    public static func configurationMismatches() -> [String] {
        ConfigurationProbe.mismatches(Configuration.self, schema: info.configSchema, plugin: info.name)
    }

    /// Decodes a node's config as the host's `create` does: keys it leaves out take their
    /// schema `default`, and an error names the key. For tests.
    ///
    /// - Throws: `ConfigurationError`.
    public static func configuration(decoding json: String) throws -> Configuration {
        try ConfigurationDecoding.decode(Configuration.self, from: json, schema: info.configSchema, plugin: info.name)
    }
}

extension MiddlewarePlugin {
    /// What `manifold run` would refuse in a config that `manifold validate` accepts; see
    /// `GeneratorPlugin.configurationMismatches()`.
    public static func configurationMismatches() -> [String] {
        ConfigurationProbe.mismatches(Configuration.self, schema: info.configSchema, plugin: info.name)
    }

    /// Decodes a middleware's config as the host's `create` does; see
    /// `GeneratorPlugin.configuration(decoding:)`.
    public static func configuration(decoding json: String) throws -> Configuration {
        try ConfigurationDecoding.decode(Configuration.self, from: json, schema: info.configSchema, plugin: info.name)
    }
}
