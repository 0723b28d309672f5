import ManifoldJSON

/// Fills the keys a config leaves out with the `default` its plugin's config schema gives them.
///
/// A synthesized `Decodable` ignores a property's initial value (`var times: Int = 1` still
/// requires `times`), so the schema is where a default lives: the host shows it in `inspect`,
/// and the SDK applies it before decoding, at any depth of `properties` and `items`.
enum SchemaDefaults {
    /// `config` with every absent property that its schema gives a `default` set to that default.
    static func apply(to config: JSONValue, schema: JSONValue?) -> JSONValue {
        guard let schema = schema?.objectValue else { return config }
        switch config {
        case .object(var members):
            if let properties = schema["properties"]?.objectValue {
                for (key, propertySchema) in properties {
                    if let present = members[key] {
                        members[key] = apply(to: present, schema: propertySchema)
                    } else if let defaultValue = propertySchema["default"] {
                        members[key] = apply(to: defaultValue, schema: propertySchema)
                    }
                }
            }
            return .object(members)
        case .array(let elements):
            guard let itemSchema = schema["items"] else { return config }
            return .array(elements.map { apply(to: $0, schema: itemSchema) })
        default:
            return config
        }
    }
}
