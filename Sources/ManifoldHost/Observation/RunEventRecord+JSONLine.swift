import Foundation

extension RunEventRecord {
    /// Appends the record as one JSON line (keys sorted, absent fields left out, a newline at
    /// the end): the bytes `JSONEncoder` with `.sortedKeys` would give, written by hand because
    /// an event log of a busy run formats hundreds of thousands of them.
    public func appendJSONLine(to line: inout [UInt8]) {
        line.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { line.append(UInt8(ascii: ",")) }
            first = false
            line.append(UInt8(ascii: "\""))
            line.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            line.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            Self.appendQuoted(value, to: &line)
        }
        string("artifact", artifact)
        if let count {
            key("count")
            line.append(contentsOf: String(count).utf8)
        }
        string("detail", detail)
        if let durationMicroseconds {
            key("durationMicroseconds")
            line.append(contentsOf: Self.number(durationMicroseconds).utf8)
        }
        string("event", event)
        string("input", input)
        string("node", node)
        string("reason", reason)
        string("subscription", subscription)
        if let succeeded {
            key("succeeded")
            line.append(contentsOf: (succeeded ? "true" : "false").utf8)
        }
        string("time", time)
        string("topic", topic)
        string("type", type)
        line.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    /// A number as JSON writes it: whole values without a fraction, others in Swift's
    /// shortest round-tripping form; non-finite values (never produced) as null.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `value` as a JSON string: quotes, backslashes and control characters escaped, the
    /// rest (including `/` and non-ASCII) as UTF-8.
    static func appendQuoted(_ value: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                line.append(contentsOf: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
