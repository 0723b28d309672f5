/// Builds the locations used in every error message about a JSON document, in JSONPath
/// notation: `$` is the document, `.name` a member, `[2]` an array element, and
/// `['odd key']` a member whose name is not made of letters, digits, `_`, `-` and `$`.
///
/// Examples: `$.nodes.coder.config.temperature`, `$.inputs[1]`, `$.nodes['my node']`.
public enum JSONPath {
    /// The path of the whole document.
    public static let root = "$"

    /// The path of member `key` of the object at `path`.
    public static func appending(_ key: String, to path: String) -> String {
        if isPlainKey(key) { return path + "." + key }
        var escaped = ""
        for character in key {
            switch character {
            case "\\": escaped += "\\\\"
            case "'": escaped += "\\'"
            default: escaped.append(character)
            }
        }
        return path + "['" + escaped + "']"
    }

    /// The path of element `index` of the array at `path`.
    public static func appending(index: Int, to path: String) -> String {
        path + "[\(index)]"
    }

    /// Re-roots a path that starts with `$` under `base`: `("$.a", under: "$.config")` is `$.config.a`.
    public static func rebase(_ path: String, under base: String) -> String {
        guard path.hasPrefix(root) else { return base + path }
        return base + path.dropFirst(root.count)
    }

    /// Whether `key` can be written after a dot.
    static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", "$": return true
            default: return false
            }
        }
    }
}
