/// The names `manifold new-plugin` accepts: a plugin name that is also a C identifier once
/// `-` becomes `_`, and a Swift type name once its words are capitalized.
enum NewPluginName {
    /// The longest name accepted; library file names and C identifiers stay readable.
    static let maximumLength = 64

    /// Throws when `name` is not `[a-z][a-z0-9-]*`, or ends or doubles a `-`.
    static func check(_ name: String) throws {
        let scalars = Array(name.unicodeScalars)
        let valid = !scalars.isEmpty && scalars.count <= maximumLength
            && ("a"..."z").contains(scalars[0])
            && scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && scalars.last != "-" && !name.contains("--")
        guard valid else {
            throw NewPluginError(
                message: "plugin name '\(name)' is invalid: use lowercase letters, digits and single '-' between them, "
                    + "starting with a letter, at most \(maximumLength) characters (e.g. 'word-count')")
        }
    }

    /// `word-count` → `WordCount`.
    static func typeName(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `word-count` → `word_count`.
    static func identifier(_ name: String) -> String {
        name.replacingOccurrences(of: "-", with: "_")
    }
}
