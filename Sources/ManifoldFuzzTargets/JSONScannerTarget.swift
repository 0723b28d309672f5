import Foundation
import ManifoldJSON

/// `JSONScanner` against `JSONParser` on the same bytes: the scanner may decline valid text,
/// but what it accepts the parser must accept, with the same values (its documented promise,
/// on which the stream decoders' fast paths rest).
///
/// The scanner reads the text twice: skipping every value, and reading each value with the
/// typed readers (`null`, `bool`, `string`, `integer`, `object`, `array`, then `skip` for other
/// numbers). Each attempt runs on a copy of the scanner, so an attempt that declines leaves
/// nothing behind for the next one.
public func fuzzJSONScanner(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let parsed = try? JSONParser.parse(Data(bytes))
    let skipped = JSONScanner.scan(bytes) { $0.skip() }
    var read: ScannedValue?
    let typed = JSONScanner.scan(bytes) { scanner in
        read = ScannedValue.read(&scanner)
        return read != nil
    }
    try require(skipped == typed, "skipping every value \(skipped ? "accepts" : "declines") what reading them \(typed ? "accepts" : "declines")")
    guard typed, let read else { return }
    guard let parsed else { throw FuzzFailure("the scanner accepts text the parser refuses") }
    try read.requireSame(as: parsed, at: "$")
}

/// What the typed readers of `JSONScanner` returned for one value.
indirect enum ScannedValue {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    /// A number `integer()` declined (a fraction or an exponent, or beyond `Int64`), skipped.
    case number
    case array([ScannedValue])
    case object([(name: String, value: ScannedValue)])

    static func read(_ scanner: inout JSONScanner) -> ScannedValue? {
        if scanner.null() { return .null }
        if let flag = scanner.bool() { return .bool(flag) }
        if let text = scanner.string() { return .string(text) }
        if let integer = scanner.integer() { return .integer(integer) }
        var members: [(name: String, value: ScannedValue)] = []
        var attempt = scanner
        if attempt.object({ name, scanner in
            guard let value = read(&scanner) else { return false }
            members.append((name.string, value))
            return true
        }) {
            scanner = attempt
            return .object(members)
        }
        var elements: [ScannedValue] = []
        attempt = scanner
        if attempt.array({ scanner in
            guard let value = read(&scanner) else { return false }
            elements.append(value)
            return true
        }) {
            scanner = attempt
            return .array(elements)
        }
        attempt = scanner
        if attempt.skip() {
            scanner = attempt
            return .number
        }
        return nil
    }

    /// Throws unless this is the value the parser read at `path`.
    func requireSame(as value: JSONValue, at path: String) throws(FuzzFailure) {
        let same: Bool
        switch (self, value) {
        case (.null, .null): same = true
        case (.bool(let flag), .bool(let other)): same = flag == other
        case (.integer(let integer), _): same = value.integerValue == integer
        case (.string(let text), .string): same = JSONValue.string(text) == value
        case (.number, .integer), (.number, .number): same = true
        case (.array(let elements), .array(let others)):
            try require(elements.count == others.count, "\(path): the scanner read \(elements.count) elements, the parser \(others.count)")
            for (index, element) in elements.enumerated() {
                try element.requireSame(as: others[index], at: "\(path)[\(index)]")
            }
            same = true
        case (.object(let members), .object(let others)):
            try require(members.count == others.count, "\(path): the scanner read \(members.count) members, the parser \(others.count)")
            for member in members {
                guard let other = others[member.name] else { throw FuzzFailure("\(path): the parser has no member \(member.name.debugDescription)") }
                try member.value.requireSame(as: other, at: "\(path).\(member.name)")
            }
            same = true
        default: same = false
        }
        try require(same, "\(path): the scanner read \(self), the parser \(value.jsonText)")
    }
}
