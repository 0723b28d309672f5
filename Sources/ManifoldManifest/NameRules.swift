import ManifoldJSON

/// The lexical rules for names and versions in manifests. Each check returns `nil` when the
/// text is valid, or the reason it is not.
enum NameRules {
    /// Plugin names: `[a-z0-9][a-z0-9-_.]*`.
    static func pluginNameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first, isLowerAlphanumeric(first),
            name.unicodeScalars.allSatisfy({ isLowerAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." })
        else {
            return "plugin name \(quoted(name)) is invalid: use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit"
        }
        return nil
    }

    /// Node ids and graph input/output names: `[A-Za-z0-9_][A-Za-z0-9_-]*`, so that they
    /// can be written after a dot in a JSON path and on a command line.
    static func identifierProblem(_ name: String, what: String) -> String? {
        guard let first = name.unicodeScalars.first, isAlphanumeric(first) || first == "_",
            name.unicodeScalars.allSatisfy({ isAlphanumeric($0) || $0 == "_" || $0 == "-" })
        else {
            return "\(what) \(quoted(name)) is invalid: use letters, digits, '_' and '-', starting with a letter, digit or '_'"
        }
        return nil
    }

    /// Versions: `MAJOR.MINOR[.PATCH][-PRERELEASE][+BUILD]`, numbers without leading zeros.
    static func versionProblem(_ version: String) -> String? {
        var core = Substring(version)
        if let plus = core.firstIndex(of: "+") {
            guard isDottedIdentifiers(core[core.index(after: plus)...]) else { return invalidVersion(version) }
            core = core[..<plus]
        }
        if let dash = core.firstIndex(of: "-") {
            guard isDottedIdentifiers(core[core.index(after: dash)...]) else { return invalidVersion(version) }
            core = core[..<dash]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy(isNumber) else { return invalidVersion(version) }
        return nil
    }

    /// ABI versions: `MAJOR.MINOR`; returns the two numbers.
    static func parseABI(_ text: String) -> (major: Int, minor: Int)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(isNumber), let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }

    /// SHA-256 digests: 64 hexadecimal digits.
    static func isSHA256(_ text: String) -> Bool {
        text.unicodeScalars.count == 64 && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit }
    }

    private static func invalidVersion(_ version: String) -> String {
        "version \(quoted(version)) is not a semantic version"
    }

    private static func isNumber(_ part: Substring) -> Bool {
        !part.isEmpty && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (part == "0" || !part.hasPrefix("0")) && part.count <= 9
    }

    private static func isDottedIdentifiers(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "-" }
        }
    }

    private static func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isLowerAlphanumeric(scalar) || ("A"..."Z").contains(scalar)
    }

    static func quoted(_ text: String) -> String {
        JSONValue.string(text).shortLiteral
    }
}
