/// One problem in a manifest: the file, the JSON path inside it, what is wrong and how to fix it.
///
/// Its description is one line, `file: $.path: message; fix`, e.g.
/// `manifests/plugins/x.json: $.kind: unknown plugin kind "generater"; use "generator" or "middleware"`.
public struct ManifestError: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The manifest file, as it was given.
    public let file: String
    /// Where in the file, in JSONPath notation (`$` for the whole file, `$.nodes.coder.subscribe[0]`).
    public let jsonPath: String
    /// What is wrong.
    public let message: String
    /// How to fix it, when there is something to say beyond the message.
    public let fix: String?

    /// Makes an error.
    public init(file: String, jsonPath: String, message: String, fix: String? = nil) {
        self.file = file
        self.jsonPath = jsonPath
        self.message = message
        self.fix = fix
    }

    /// `file: $.path: message; fix`.
    public var description: String {
        "\(file): \(jsonPath): \(message)" + (fix.map { "; \($0)" } ?? "")
    }

    /// By file, then by path (array indices compared as numbers, so `[2]` comes before
    /// `[10]`), then by message and fix.
    public static func < (lhs: ManifestError, rhs: ManifestError) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        if lhs.jsonPath != rhs.jsonPath { return PathOrder.precedes(lhs.jsonPath, rhs.jsonPath) }
        if lhs.message != rhs.message { return lhs.message < rhs.message }
        return (lhs.fix ?? "") < (rhs.fix ?? "")
    }
}

/// Every problem found in one or more manifests, sorted and without duplicates: what
/// loading or checking a manifest throws, so that all mistakes are reported at once.
public struct ManifestErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors, sorted (`ManifestError.<`) and de-duplicated.
    public let errors: [ManifestError]

    /// Collects errors; sorts them and drops duplicates.
    public init(_ errors: some Sequence<ManifestError>) {
        self.errors = Array(Set(errors)).sorted()
    }

    /// One line per error.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}

/// Orders JSON paths for people: runs of digits compare as numbers.
enum PathOrder {
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.unicodeScalars[...], right = rhs.unicodeScalars[...]
        while let a = left.first, let b = right.first {
            if a.properties.numericType != nil, b.properties.numericType != nil,
                let leftNumber = digits(&left), let rightNumber = digits(&right)
            {
                if leftNumber != rightNumber { return leftNumber < rightNumber }
                continue
            }
            if a != b { return a.value < b.value }
            left = left.dropFirst()
            right = right.dropFirst()
        }
        return left.isEmpty && !right.isEmpty
    }

    private static func digits(_ text: inout Substring.UnicodeScalarView) -> UInt64? {
        var value: UInt64 = 0
        var consumed = 0
        while let scalar = text.first, ("0"..."9").contains(scalar) {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = product &+ UInt64(scalar.value - 48)
            text = text.dropFirst()
            consumed += 1
        }
        return consumed > 0 ? value : nil
    }
}
