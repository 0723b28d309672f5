import ManifoldJSON

/// Reads the members of one JSON object of a manifest, for both manifest formats.
///
/// It is made with the keys the object may have; any other key is reported at once as
/// `unknown key 'ouputs'` with a "did you mean 'outputs'?" fix (or the list of allowed keys).
/// Typed accessors report a missing required key or a wrong type at the key's path and
/// return `nil`, so a parser reads every member, collects every error, and goes on.
struct JSONObjectReader {
    /// The object's path.
    let path: String
    /// The object's members.
    let members: JSONObject
    /// The keys this object may have.
    let allowedKeys: [String]
    private let context: ManifestContext

    /// Starts reading `value`, which should be an object; reports and returns `nil` otherwise.
    ///
    /// - Parameter what: how messages name the object: "the plugin manifest", "a node".
    init?(_ value: JSONValue, at path: String, what: String, allowedKeys: [String], context: ManifestContext) {
        guard let members = value.objectValue else {
            context.error(path, "expected \(what) as a JSON object, got \(value.messageDescription())")
            return nil
        }
        self.path = path
        self.members = members
        self.allowedKeys = allowedKeys
        self.context = context
        for key in context.orderedKeys(of: members, at: path) where !allowedKeys.contains(key) {
            let fix = NameSuggestion.closest(to: key, among: allowedKeys).map { "did you mean '\($0)'?" }
                ?? "remove it; allowed keys here: \(allowedKeys.joined(separator: ", "))"
            context.error(JSONPath.appending(key, to: path), "unknown key '\(key)'", fix: fix)
        }
    }

    /// The path of member `key`.
    func path(_ key: String) -> String {
        JSONPath.appending(key, to: path)
    }

    /// Member `key`, reporting it when it is required and missing.
    ///
    /// - Parameter example: what to write, for the fix of a missing key (`"1.0.0"`).
    func value(_ key: String, required: Bool = false, example: String = "…") -> JSONValue? {
        assert(allowedKeys.contains(key), "reading undeclared key \(key)")
        guard let value = members[key] else {
            if required {
                context.error(path(key), "missing required key '\(key)'", fix: "add \"\(key)\": \(example)")
            }
            return nil
        }
        return value
    }

    /// Member `key` as a string; `nonEmpty` also refuses `""`.
    func string(_ key: String, required: Bool = false, nonEmpty: Bool = true, example: String = "\"…\"") -> String? {
        guard let value = value(key, required: required, example: example) else { return nil }
        guard let text = value.stringValue else {
            context.error(path(key), "expected a string, got \(value.messageDescription())", fix: "write it in double quotes, e.g. \(example)")
            return nil
        }
        if nonEmpty && text.isEmpty {
            context.error(path(key), "must not be empty", fix: "write e.g. \(example)")
            return nil
        }
        return text
    }

    /// Member `key` as an integer of at least `minimum`.
    func integer(_ key: String, required: Bool = false, minimum: Int? = nil, example: String = "1") -> Int? {
        guard let value = value(key, required: required, example: example) else { return nil }
        guard let integer = value.integerValue, let result = Int(exactly: integer) else {
            context.error(path(key), "expected an integer, got \(value.messageDescription())", fix: "write a whole number, e.g. \(example)")
            return nil
        }
        if let minimum, result < minimum {
            context.error(path(key), "must be at least \(minimum), got \(result)")
            return nil
        }
        return result
    }

    /// Member `key` as a number greater than `exclusiveMinimum` and at most `maximum`.
    func number(_ key: String, required: Bool = false, exclusiveMinimum: Double? = nil, maximum: Double? = nil, example: String = "1.5") -> Double? {
        guard let value = value(key, required: required, example: example) else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            context.error(path(key), "expected a number, got \(value.messageDescription())", fix: "write a number, e.g. \(example)")
            return nil
        }
        if let exclusiveMinimum, number <= exclusiveMinimum {
            context.error(path(key), "must be more than \(Self.plain(exclusiveMinimum)), got \(Self.plain(number))", fix: "write e.g. \(example)")
            return nil
        }
        if let maximum, number > maximum {
            context.error(path(key), "must be at most \(Self.plain(maximum)), got \(Self.plain(number))", fix: "write e.g. \(example)")
            return nil
        }
        return number
    }

    /// `2` for 2.0, `0.5` for 0.5: numbers in messages as a person writes them.
    static func plain(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    /// Member `key` as a Boolean.
    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = value(key, required: required, example: "true") else { return nil }
        guard let flag = value.boolValue else {
            context.error(path(key), "expected true or false, got \(value.messageDescription())")
            return nil
        }
        return flag
    }

    /// Member `key` as an array.
    func array(_ key: String, required: Bool = false, example: String = "[…]") -> [JSONValue]? {
        guard let value = value(key, required: required, example: example) else { return nil }
        guard let items = value.arrayValue else {
            context.error(path(key), "expected an array, got \(value.messageDescription())", fix: "write e.g. \(example)")
            return nil
        }
        return items
    }

    /// Member `key` as an array of strings, each with its path; a non-string element is
    /// reported and skipped.
    func strings(_ key: String, required: Bool = false, example: String = "[\"…\"]") -> [(text: String, path: String)]? {
        guard let items = array(key, required: required, example: example) else { return nil }
        var result: [(String, String)] = []
        for (index, item) in items.enumerated() {
            let itemPath = JSONPath.appending(index: index, to: path(key))
            guard let text = item.stringValue else {
                context.error(itemPath, "expected a string, got \(item.messageDescription())")
                continue
            }
            result.append((text, itemPath))
        }
        return result
    }

    /// Member `key` as an object, with its keys in the order written.
    func object(_ key: String, required: Bool = false, example: String = "{…}") -> [(key: String, value: JSONValue)]? {
        guard let value = value(key, required: required, example: example) else { return nil }
        guard let members = value.objectValue else {
            context.error(path(key), "expected an object, got \(value.messageDescription())", fix: "write e.g. \(example)")
            return nil
        }
        return context.orderedKeys(of: members, at: path(key)).map { ($0, members[$0]!) }
    }

    /// Member `key` as one of an enumeration's raw values.
    ///
    /// - Parameter what: how messages name the value ("plugin kind" gives
    ///   `unknown plugin kind "generater"; use "generator" or "middleware"`).
    func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, _ type: Choice.Type, what: String, required: Bool = false
    ) -> Choice? where Choice.RawValue == String {
        choice(key, options: Array(Choice.allCases), what: what, required: required)
    }

    /// Member `key` as one of `options`, by raw value.
    func choice<Choice: RawRepresentable>(
        _ key: String, options: [Choice], what: String, required: Bool = false
    ) -> Choice? where Choice.RawValue == String {
        let names = options.map { "\"\($0.rawValue)\"" }
        let allowed = names.count == 2 ? "\(names[0]) or \(names[1])" : "one of " + names.joined(separator: ", ")
        guard let value = value(key, required: required, example: names.first ?? "…") else { return nil }
        guard let text = value.stringValue else {
            context.error(path(key), "expected a string, got \(value.messageDescription())", fix: "use \(allowed)")
            return nil
        }
        guard let choice = Choice(rawValue: text), options.contains(where: { $0.rawValue == text }) else {
            context.error(path(key), "unknown \(what) \(JSONValue.string(text).shortLiteral)", fix: "use \(allowed)")
            return nil
        }
        return choice
    }
}
