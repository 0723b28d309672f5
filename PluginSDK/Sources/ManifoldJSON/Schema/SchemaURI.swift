/// URI references as `$id` and `$ref` use them: resolution against a base (RFC 3986 §5.2)
/// and splitting off the fragment. Only text is handled; nothing is ever fetched.
enum SchemaURI {
    /// The base of a schema document that declares no `$id`. Never shown: messages quote
    /// references as written.
    static let defaultBase = "manifold-schema:///document.json"

    /// `reference` resolved against the absolute URI `base`.
    static func resolve(_ reference: String, against base: String) -> String {
        let ref = Parts(reference)
        let base = Parts(base)
        var target = Parts()
        if ref.scheme != nil {
            target = ref
            target.path = removeDotSegments(ref.path)
        } else {
            if ref.authority != nil {
                target.authority = ref.authority
                target.path = removeDotSegments(ref.path)
                target.query = ref.query
            } else {
                if ref.path.isEmpty {
                    target.path = base.path
                    target.query = ref.query ?? base.query
                } else {
                    if ref.path.hasPrefix("/") {
                        target.path = removeDotSegments(ref.path)
                    } else {
                        target.path = removeDotSegments(merge(base, ref.path))
                    }
                    target.query = ref.query
                }
                target.authority = base.authority
            }
            target.scheme = base.scheme
        }
        target.fragment = ref.fragment
        return target.text
    }

    /// The URI without its fragment, and the fragment (decoded from percent-encoding), or
    /// `nil` when there is none.
    static func split(_ uri: String) -> (resource: String, fragment: String?) {
        guard let hash = uri.firstIndex(of: "#") else { return (uri, nil) }
        let fragment = String(uri[uri.index(after: hash)...])
        return (String(uri[..<hash]), fragment.removingPercentEncodingIfValid)
    }

    /// The five parts of RFC 3986 appendix B.
    struct Parts {
        var scheme: String?
        var authority: String?
        var path = ""
        var query: String?
        var fragment: String?

        init() {}

        init(_ text: String) {
            var rest = Substring(text)
            if let hash = rest.firstIndex(of: "#") {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let question = rest.firstIndex(of: "?") {
                query = String(rest[rest.index(after: question)...])
                rest = rest[..<question]
            }
            if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isLetter,
                rest[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
            {
                scheme = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let end = rest.firstIndex(of: "/") ?? rest.endIndex
                authority = String(rest[..<end])
                rest = rest[end...]
            }
            path = String(rest)
        }

        var text: String {
            var result = ""
            if let scheme { result += scheme + ":" }
            if let authority { result += "//" + authority }
            result += path
            if let query { result += "?" + query }
            if let fragment { result += "#" + fragment }
            return result
        }
    }

    private static func merge(_ base: Parts, _ path: String) -> String {
        if base.authority != nil, base.path.isEmpty { return "/" + path }
        guard let slash = base.path.lastIndex(of: "/") else { return path }
        return String(base.path[...slash]) + path
    }

    /// RFC 3986 §5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []
        var result = ""
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                let start = input.startIndex
                let searchFrom = input.hasPrefix("/") ? input.index(after: start) : start
                let end = input[searchFrom...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[start..<end])
                input = input[end...]
            }
        }
        for segment in output { result += segment }
        return result
    }
}

extension String {
    /// The string with `%HH` sequences decoded, or itself when they do not form UTF-8.
    var removingPercentEncodingIfValid: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? self
    }
}
