/// The names of Manifold's vendor keywords in JSON Schemas.
///
/// They change what people read, never what a schema accepts:
/// - `x-manifold-message`: when the schema holding it fails, its violations are replaced by
///   this one message at the value's path (for rules whose keyword-by-keyword wording would
///   not say what is wrong, such as an `if`/`then`);
/// - `x-manifold-warning`: every value the schema holding it accepts, other than `false` and
///   `null`, gets this warning at its path (`JSONSchema.warnings(for:redacting:)`): for
///   settings that are allowed but that a person should know they turned on.
///
/// Both take `${0}` and `${0/member}` placeholders for parts of the value (`SchemaMessage`).
public enum SchemaKeyword {
    /// `x-manifold-message`.
    public static let message = "x-manifold-message"
    /// `x-manifold-warning`.
    public static let warning = "x-manifold-warning"
}
