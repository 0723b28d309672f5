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
        do {
            try feed(bytes) { name, data, id in
                events.append(SSEEvent(event: name, data: String(decoding: data, as: UTF8.self), id: id))
            }
        } catch let error as FramingError {
            throw error
        } catch {
            preconditionFailure("the handler above throws nothing, and the parser only FramingError: \(error)")
        }
        return events
    }

    /// Adds bytes; calls `event` with the name, the joined data and the last event id of each
    /// event they completed, in order. The data buffer is valid only during the call; decoders
    /// read it in place, so that an event costs no `String` of its data.
    ///
    /// Throws `FramingError`, or what `event` throws; events completed before a framing error
    /// are handed out first.
    mutating func feed<Bytes: Sequence<UInt8>>(
        _ bytes: Bytes, event: (_ name: String, _ data: UnsafeBufferPointer<UInt8>, _ id: String?) throws -> Void
    ) throws {
        // The splitter is moved out while it calls back into this parser, which may not be
        // accessed while one of its properties is; a placeholder keeps its buffer unshared.
        var splitter = LineSplitter(endings: .crLFOrCR, maxLineBytes: 0)
        swap(&splitter, &lines)
        defer { swap(&splitter, &lines) }
        try splitter.feed(bytes) { line in
            guard try process(line: line) else { return }
            defer { clearEvent() }
            let name = eventName.isEmpty ? "message" : eventName
            let id = lastEventID.isEmpty ? nil : lastEventID
            try data.withUnsafeBufferPointer { try event(name, $0, id) }
        }
    }

    /// Ends the input. A final line without a line break is still interpreted (it may set a
    /// field), but an event not closed by a blank line is dropped, per the specification.
    public mutating func finish() {
        if let line = lines.finish() { _ = try? line.withUnsafeBufferPointer { try process(line: $0) } }
        clearEvent()
    }

    /// Interprets one line; returns whether it dispatches an event (a blank line after data),
    /// which is then in `eventName`, `data` and `lastEventID` until `clearEvent()`.
    private mutating func process(line rawLine: UnsafeBufferPointer<UInt8>) throws(FramingError) -> Bool {
        var line = rawLine[...]
        if isAtStart {
            isAtStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        }
        if line.isEmpty {
            if hasData { return true }
            clearEvent()
            return false
        }
        if line.first == UInt8(ascii: ":") { return false }

        let field: Slice<UnsafeBufferPointer<UInt8>>
        var value: Slice<UnsafeBufferPointer<UInt8>>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line
            value = line[line.endIndex...]
        }

        if field.elementsEqual("data".utf8) {
            guard data.count + value.count + (hasData ? 1 : 0) <= maxEventBytes else { throw .eventTooLarge(limit: maxEventBytes) }
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: value, as: UTF8.self)
        } else if field.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if field.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let milliseconds = Int(String(decoding: value, as: UTF8.self))
            {
                reconnectionTimeMilliseconds = milliseconds
            }
        }
        return false
    }

    private mutating func clearEvent() {
        data.removeAll(keepingCapacity: true)
        hasData = false
        eventName = ""
    }
}
