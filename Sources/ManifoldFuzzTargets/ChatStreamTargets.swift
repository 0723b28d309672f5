import Foundation
import ManifoldLLM

/// The OpenAI-compatible stream decoder (SSE of `chat.completion.chunk`s) on any body.
public func fuzzOpenAIStream(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    try compareDecodings(of: bytes) { OpenAIStreamDecoder($0) }
}

/// The Anthropic Messages stream decoder (named SSE events) on any body.
public func fuzzAnthropicStream(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    try compareDecodings(of: bytes) { AnthropicStreamDecoder($0) }
}

/// The Ollama stream decoder (NDJSON lines) on any body.
public func fuzzOllamaStream(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    try compareDecodings(of: bytes) { OllamaStreamDecoder($0) }
}

/// Decodes `bytes` as a response body four ways — whole, byte by byte and in scattered chunks
/// with the per-token chunks read by `JSONScanner`, and in scattered chunks with every chunk
/// read as a `JSONValue` — and requires the same events and the same error from each: the fast
/// path is meant to change nothing but speed, and a read may end anywhere.
///
/// The settings (event size limit, token limit) are chosen from the input's hash, so that a
/// saved input replays with them: mostly the defaults, sometimes limits the input can reach.
/// The decoders hold an API key and a secret header, which no error may show (as the HTTP
/// layer shows it, scrubbed by `ProviderError.sanitized`), however the body quotes them.
/// Ids the decoder makes up for calls without one are random, so they are numbered in order
/// of appearance before comparing.
func compareDecodings<Decoder: ChatStreamDecoder>(
    of bytes: UnsafeRawBufferPointer, _ make: (DecoderSettings) -> Decoder
) throws(FuzzFailure) {
    var random = SplitMix64(seed: fnv1a(bytes) ^ 0xC4A7)
    var settings = DecoderSettings(provider: "fuzz")
    settings.secrets = Secrets(apiKey: APIKey(FuzzSecrets.apiKey), headers: ["X-Gateway-Token": "Bearer " + FuzzSecrets.headerToken])
    if random.next() % 4 == 0 { settings.maxEventBytes = Int(random.next() % 1024) + 1 }
    if random.next() % 4 == 0 { settings.maxOutputTokens = Int(random.next() % 8) }
    var general = settings
    general.scansChunks = false
    let runs: [(name: String, settings: DecoderSettings, plan: ChunkPlan)] = [
        ("whole", settings, .whole(bytes.count)),
        ("byte by byte", settings, .byteByByte(bytes.count)),
        ("scattered", settings, .scattered(bytes)),
        ("scattered without the scanner", general, .scattered(bytes)),
    ]
    var reference: DecoderRun?
    for run in runs {
        let result = try DecoderRun(make(run.settings), run.plan.chunks(of: bytes), secrets: settings.secrets)
        guard let reference else {
            reference = result
            continue
        }
        try require(
            result.error == reference.error,
            "\(run.name): the decoder fails with \(describe(result.error)), for the whole body with \(describe(reference.error))")
        try require(result.events == reference.events, "\(run.name): other events than for the whole body:\n\(result.events)\n\(reference.events)")
    }
}

/// What a decoder made of one body: its events, with generated call ids numbered, and the
/// description of its error, if any.
struct DecoderRun {
    var events: [ChatStreamEvent] = []
    var error: String?

    init<Decoder: ChatStreamDecoder>(_ decoder: Decoder, _ chunks: [UnsafeRawBufferPointer], secrets: Secrets) throws(FuzzFailure) {
        var decoder = decoder
        var emitted: [ChatStreamEvent] = []
        do {
            // As the HTTP layer reads a body: no bytes go to the decoder once the answer is
            // complete, and `finish` only for a body that ended before that.
            for chunk in chunks where !decoder.isComplete {
                try decoder.consume(chunk) { emitted.append($0) }
            }
            if !decoder.isComplete { try decoder.finish { emitted.append($0) } }
        } catch let error as ProviderError {
            let shown = error.sanitized(secrets).description
            try requireMessage(shown, "ProviderError")
            for secret in FuzzSecrets.shown {
                try require(!containsBytes(shown, secret), "the error shows the secret \(secret): \(shown)")
            }
            self.error = shown
        } catch {
            throw FuzzFailure("the decoder throws \(type(of: error)), not a ProviderError: \(error)")
        }
        var numbering = GeneratedIDNumbering()
        events = emitted.map { numbering.renumber($0) }
        error = error.map { numbering.renumber(text: $0) }
        try checkOrder()
    }

    /// The order the decoders promise: a call starts before its argument deltas and before it
    /// completes; `finished` is the last event, and only of a body without error.
    private func checkOrder() throws(FuzzFailure) {
        var started: Set<Int> = []
        for (position, event) in events.enumerated() {
            switch event {
            case .toolCallStarted(let index, _, _):
                try require(started.insert(index).inserted, "call \(index) starts twice")
            case .toolCallArgumentsDelta(let index, _):
                try require(started.contains(index), "arguments for call \(index) before it starts")
            case .finished:
                try require(position == events.count - 1, "events after finished")
                try require(error == nil, "finished, then the error \(describe(error))")
            default:
                break
            }
        }
    }
}

/// Numbers the ids `ToolCallAssembler` makes up (`call_` and 24 hex digits, random) in order of
/// appearance, so that two decodings of one body compare equal.
private struct GeneratedIDNumbering {
    private var numbers: [String: Int] = [:]

    mutating func renumber(_ event: ChatStreamEvent) -> ChatStreamEvent {
        switch event {
        case .toolCallStarted(let index, let id, let name):
            return .toolCallStarted(index: index, id: renumber(id: id), name: name)
        case .toolCall(let call):
            return .toolCall(renumber(call))
        case .finished(let reason, var message):
            message.toolCalls = message.toolCalls.map { renumber($0) }
            return .finished(reason, message)
        default:
            return event
        }
    }

    mutating func renumber(text: String) -> String {
        // Scanned by hand, not with a Regex: the Regex runtime's one-time caches are reported
        // as leaks by LeakSanitizer when the fuzzer exits.
        var bytes = Array(text.utf8)
        var start = 0
        while let found = Self.firstID(in: bytes, from: start) {
            let id = String(decoding: bytes[found..<found + Self.idLength], as: UTF8.self)
            let replacement = Array("generated-\(number(id))".utf8)
            bytes.replaceSubrange(found..<found + Self.idLength, with: replacement)
            start = found + replacement.count
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func renumber(_ call: ToolCall) -> ToolCall {
        var call = call
        call.id = renumber(id: call.id)
        return call
    }

    private mutating func renumber(id: String) -> String {
        let bytes = Array(id.utf8)
        return bytes.count == Self.idLength && Self.firstID(in: bytes, from: 0) == 0 ? "generated-\(number(id))" : id
    }

    private mutating func number(_ id: String) -> Int {
        if let number = numbers[id] { return number }
        numbers[id] = numbers.count
        return numbers.count - 1
    }

    private static let idPrefix = Array("call_".utf8)
    private static let idLength = 5 + 24

    /// Where the first generated id (`call_` and 24 lowercase hex digits) starts at or after `start`.
    private static func firstID(in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= idLength else { return nil }
        var position = start
        while position + idLength <= bytes.count {
            if bytes[position..<position + 5].elementsEqual(idPrefix),
                bytes[position + 5..<position + idLength].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
            {
                return position
            }
            position += 1
        }
        return nil
    }
}

/// The secrets the decoders hold. The stream dictionaries list them, so that the fuzzer puts
/// them in bodies.
enum FuzzSecrets {
    static let apiKey = "sk-fuzz-5ecret-K3y-0123"
    static let headerToken = "gw-fuzz-t0ken-4567"
    /// What no error may show: each secret, and the end of the key, which servers leave
    /// unmasked (`sk-abc***y-0123`) and the scrubber removes too.
    static let shown = [apiKey, headerToken, String(apiKey.suffix(6))]
}

/// Whether the UTF-8 bytes of `part` occur in `text`'s: byte for byte, since `String.contains`
/// compares characters and misses a secret that ends inside one.
private func containsBytes(_ text: String, _ part: String) -> Bool {
    let bytes = Array(text.utf8), pattern = Array(part.utf8)
    guard bytes.count >= pattern.count else { return false }
    return (0...(bytes.count - pattern.count)).contains { bytes[$0..<$0 + pattern.count].elementsEqual(pattern) }
}
