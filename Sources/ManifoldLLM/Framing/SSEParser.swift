/// An incremental Server-Sent Events parser, following the WHATWG HTML "event stream
/// interpretation" rules.
///
/// Feed it arbitrary byte chunks; it returns the events each chunk completed. Lines end in
/// CRLF, LF or CR; `:` lines are comments; `data:` lines of one event are joined with `\n`;
/// one space after a field's colon is dropped; an event is dispatched at a blank line and only
/// if it has data; `id:` persists to later events (unless it contains NUL); `retry:` with
/// digits only sets `reconnectionTimeMilliseconds`; unknown fields are ignored; a leading
/// byte-order mark is skipped. At the end of input an event without its blank line is
/// discarded, as the specification says. Lines and events have size limits: a server that
/// never ends one cannot make the parser buffer without bound.
public struct SSEParser: Sendable {
    private var lines: LineSplitter
    private let maxEventBytes: Int
    private var isAtStart = true
    private var eventName = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var lastEventID = ""

    /// The last valid `retry:` value, in milliseconds; clients that reconnect use it.
    public private(set) var reconnectionTimeMilliseconds: Int?

    /// Creates a parser; a line longer than `maxLineBytes`, or an event whose `data:` lines
    /// join to more than `maxEventBytes`, makes `feed` throw.
    public init(maxLineBytes: Int = 16 << 20, maxEventBytes: Int = 16 << 20) {
        lines = LineSplitter(endings: .crLFOrCR, maxLineBytes: maxLineBytes)
        self.maxEventBytes = maxEventBytes
    }

    /// Adds bytes; returns the events they completed, in order.
    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(FramingError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for line in try lines.feed(bytes) {
            if let event = try process(line: line) { events.append(event) }
        }
        return events
    }

    /// Ends the input. A final line without a line break is still interpreted (it may set a
    /// field), but an event not closed by a blank line is dropped, per the specification.
    public mutating func finish() {
        if let line = lines.finish() { _ = try? process(line: line) }
        data = []
        hasData = false
        eventName = ""
    }

    private mutating func process(line rawLine: [UInt8]) throws(FramingError) -> SSEEvent? {
        var line = rawLine[...]
        if isAtStart {
            isAtStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }

        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line
            value = []
        }

        switch String(decoding: field, as: UTF8.self) {
        case "event":
            eventName = String(decoding: value, as: UTF8.self)
        case "data":
            guard data.count + value.count + (hasData ? 1 : 0) <= maxEventBytes else { throw .eventTooLarge(limit: maxEventBytes) }
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let milliseconds = Int(String(decoding: value, as: UTF8.self))
            {
                reconnectionTimeMilliseconds = milliseconds
            }
        default:
            break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventName = ""
        }
        guard hasData else { return nil }
        return SSEEvent(
            event: eventName.isEmpty ? "message" : eventName,
            data: String(decoding: data, as: UTF8.self),
            id: lastEventID.isEmpty ? nil : lastEventID
        )
    }
}
