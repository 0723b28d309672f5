import ManifoldJSON

/// A `content_block_delta` or `ping` event of the Messages API, read by `JSONScanner` from the
/// event's bytes: the events that come once per token or keep the connection alive, which the
/// decoder handles without a `JSONValue` tree.
///
/// `scan` answers `nil` for every other event and for a payload it does not read this way (a
/// member of another type than these events have, invalid JSON); the decoder then takes the
/// general path, which handles it or says what is wrong.
struct AnthropicDeltaEvent {
    /// `content_block_delta` or `ping`: the event's name, else the payload's `type`.
    var type: String
    /// The content block the delta belongs to.
    var index: Int?
    /// `delta.type`: `text_delta`, `input_json_delta`, …
    var deltaType: String?
    var text: String?
    var partialJSON: String?

    /// Reads the payload `bytes` of the event named `event`.
    static func scan(event: String, _ bytes: UnsafeBufferPointer<UInt8>) -> AnthropicDeltaEvent? {
        guard event == "message" || event == "content_block_delta" || event == "ping" else { return nil }
        var payloadType: String?
        var index: Int64?
        var hasDelta = false
        var delta = AnthropicDeltaEvent(type: event)
        let read = JSONScanner.scan(UnsafeRawBufferPointer(bytes)) { scanner in
            scanner.object { name, scanner in
                if name == "type" {
                    payloadType = scanner.string()
                    return payloadType != nil
                }
                if name == "index" {
                    index = scanner.integer()
                    return index != nil
                }
                if name == "delta" {
                    hasDelta = true
                    return scanner.object { name, scanner in
                        if name == "type" { return Self.read(&scanner, into: &delta.deltaType) }
                        if name == "text" { return Self.read(&scanner, into: &delta.text) }
                        if name == "partial_json" { return Self.read(&scanner, into: &delta.partialJSON) }
                        return scanner.skip()
                    }
                }
                return scanner.skip()
            }
        }
        guard read else { return nil }
        if event == "message" { delta.type = payloadType ?? "" }
        // A delta without its index or its delta is an error, which the general path names.
        if delta.type == "content_block_delta", index == nil || !hasDelta { return nil }
        guard delta.type == "content_block_delta" || delta.type == "ping" else { return nil }
        delta.index = index.map { Int(clamping: $0) }
        return delta
    }

    /// A string member; any other value declines.
    private static func read(_ scanner: inout JSONScanner, into field: inout String?) -> Bool {
        field = scanner.string()
        return field != nil
    }
}
