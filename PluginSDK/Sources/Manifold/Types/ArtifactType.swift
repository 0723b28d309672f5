/// A media-type-like name for what an artifact holds: `text/plain`, `chat/message`,
/// `application/vnd.acme.order+json`, `text/*`, `*/*`, with optional parameters
/// (`text/plain;charset=utf-8`).
///
/// Type and subtype are case-insensitive and stored lowercased; parameter names are
/// lowercased, parameter values kept as written. A wildcard subtype (`text/*`) or the full
/// wildcard (`*/*`) make a *pattern*; `*/plain` is malformed.
public struct ArtifactType: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The top-level type (`text` in `text/plain`), or `*`.
    public let type: String
    /// The subtype (`plain` in `text/plain`), or `*`.
    public let subtype: String
    /// Parameters after `;`, by lowercased name.
    public let parameters: [String: String]

    /// Parses a type string, e.g. `"text/plain; charset=utf-8"`.
    ///
    /// - Throws: `ArtifactTypeError` naming the string, the position and what was expected.
    public init(parsing text: String) throws {
        if let simple = ArtifactTypeParser.simpleForm(text) {
            self = simple
            return
        }
        var parser = ArtifactTypeParser(text)
        self = try parser.parse()
    }

    /// Makes a type from parts that are already valid; used by the parser and for constants.
    init(validatedType type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// `true` for `*/*` and `type/*`.
    public var isWildcard: Bool { type == "*" || subtype == "*" }

    /// The structured-syntax suffix (`json` in `application/vnd.acme+json`), if any.
    public var suffix: String? {
        guard let plus = subtype.lastIndex(of: "+") else { return nil }
        let suffix = subtype[subtype.index(after: plus)...]
        return suffix.isEmpty ? nil : String(suffix)
    }

    /// Whether an artifact of type `other` may be given to a port that declares `self`.
    ///
    /// `*/*` accepts everything; `text/*` accepts every `text/…`; a concrete type accepts
    /// itself and, when it is `T/S`, every `T/anything+S` (so `application/json` accepts
    /// `application/vnd.acme+json`). Every parameter `self` names must be present in `other`
    /// with the same value; `other` may carry more.
    public func accepts(_ other: ArtifactType) -> Bool {
        guard type == "*" || type == other.type else { return false }
        if subtype != "*" {
            guard subtype == other.subtype || (other.subtype != "*" && other.suffix == subtype) else {
                return false
            }
        }
        for (name, value) in parameters where other.parameters[name] != value {
            return false
        }
        return true
    }

    /// Whether some artifact could be both of `self` and of `other`: the connection-time check
    /// between what a producer may emit and what a consumer accepts.
    ///
    /// Type and subtype must be compatible (equal, a wildcard, or a `+suffix` relation either
    /// way), and every parameter both name must have the same value: `text/plain;charset=utf-8`
    /// and `text/plain;format=flowed` overlap, since `text/plain;charset=utf-8;format=flowed`
    /// belongs to both.
    public func overlaps(_ other: ArtifactType) -> Bool {
        guard type == "*" || other.type == "*" || type == other.type else { return false }
        let subtypesMeet =
            subtype == "*" || other.subtype == "*" || subtype == other.subtype
            || suffix == other.subtype || other.suffix == subtype
        guard subtypesMeet else { return false }
        for (name, value) in parameters {
            if let theirs = other.parameters[name], theirs != value { return false }
        }
        return true
    }

    /// The narrowest type in both `self` and `other`, assuming they overlap: the more specific
    /// type and subtype, with the parameters of both.
    func meet(_ other: ArtifactType) -> ArtifactType {
        let type = self.type == "*" ? other.type : self.type
        let subtype: String
        if self.subtype == "*" {
            subtype = other.subtype
        } else if other.subtype == "*" || other.subtype == self.subtype {
            subtype = self.subtype
        } else {
            // A `+suffix` relation: the suffixed subtype is the narrower one.
            subtype = self.suffix == other.subtype ? self.subtype : other.subtype
        }
        let parameters = self.parameters.merging(other.parameters) { mine, _ in mine }
        return ArtifactType(validatedType: type, subtype: subtype, parameters: parameters)
    }

    /// The type with its parameters removed.
    public var withoutParameters: ArtifactType {
        parameters.isEmpty ? self : ArtifactType(validatedType: type, subtype: subtype)
    }

    /// The canonical text: lowercased type/subtype, parameters sorted by name.
    public var description: String {
        // The common case without interpolation or a sorted key array: it runs per artifact
        // that crosses a plugin boundary or a wire.
        var text = type + "/" + subtype
        if parameters.isEmpty { return text }
        for name in parameters.keys.sorted() {
            text += ";\(name)=\(Self.quoteIfNeeded(parameters[name]!))"
        }
        return text
    }

    public static func < (lhs: ArtifactType, rhs: ArtifactType) -> Bool {
        lhs.description < rhs.description
    }

    private static func quoteIfNeeded(_ value: String) -> String {
        if !value.isEmpty, value.unicodeScalars.allSatisfy(ArtifactTypeParser.isTokenScalar) { return value }
        // Scalar by scalar, as the parser reads it: `replacingOccurrences` matches whole
        // characters, so it skipped a `"` or `\` followed by a combining mark (one character
        // with it), and the text did not parse back, or parsed to another value.
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { quoted.append("\\") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }
}

extension ArtifactType: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension ArtifactType: ExpressibleByStringLiteral {
    /// A type written as a literal in source code, e.g. `let markdown: ArtifactType = "text/markdown"`.
    ///
    /// A malformed literal is a programming error and stops the program with the parser's
    /// message; use `init(parsing:)` for text that comes from users or files.
    public init(stringLiteral value: String) {
        do {
            try self.init(parsing: value)
        } catch {
            preconditionFailure("\(error)")
        }
    }
}

extension ArtifactType {
    /// `*/*`: any artifact.
    public static let any = ArtifactType(validatedType: "*", subtype: "*")
    /// `text/plain`.
    public static let plainText = ArtifactType(validatedType: "text", subtype: "plain")
    /// `application/json`.
    public static let json = ArtifactType(validatedType: "application", subtype: "json")
    /// `application/octet-stream`: opaque bytes.
    public static let octetStream = ArtifactType(validatedType: "application", subtype: "octet-stream")
    /// `chat/message`: one whole chat message (JSON).
    public static let chatMessage = ArtifactType(validatedType: "chat", subtype: "message")
    /// `chat/delta`: a fragment of a streamed chat message.
    public static let chatDelta = ArtifactType(validatedType: "chat", subtype: "delta")
    /// `tool/call`: a model's request to call a tool (JSON).
    public static let toolCall = ArtifactType(validatedType: "tool", subtype: "call")
    /// `tool/result`: the result of a tool call (JSON).
    public static let toolResult = ArtifactType(validatedType: "tool", subtype: "result")
    /// `manifold/error`: a processing failure, published on the hub's error topic.
    public static let error = ArtifactType(validatedType: "manifold", subtype: "error")
    /// `tool/list`: a request for tool catalogs (any payload).
    public static let toolList = ArtifactType(validatedType: "tool", subtype: "list")
    /// `tool/catalog`: a JSON array of the tools a node offers.
    public static let toolCatalog = ArtifactType(validatedType: "tool", subtype: "catalog")
}
