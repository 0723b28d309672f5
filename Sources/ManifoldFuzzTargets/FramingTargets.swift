import ManifoldJSON
import ManifoldLLM

/// `SSEParser` on any bytes, fed whole, byte by byte and in scattered chunks, with limits
/// chosen from the input (the defaults, or small ones that the input can reach).
///
/// Checks: the same events, the same `retry` value and the same error whatever the cuts
/// (events completed in earlier chunks come before an error, so for a failing stream only the
/// error is compared); an error says something.
public func fuzzSSE(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let limits = FramingLimits(bytes)
    var reference: (events: [SSEEvent], retry: Int?, error: FramingError?)?
    for (name, plan) in ChunkPlan.all(bytes) {
        var parser = SSEParser(maxLineBytes: limits.line, maxEventBytes: limits.event)
        var events: [SSEEvent] = []
        var failure: FramingError?
        do throws(FramingError) {
            for chunk in plan.chunks(of: bytes) { events += try parser.feed(chunk) }
            parser.finish()
        } catch {
            try requireMessage(error.description, "FramingError")
            failure = error
        }
        let run = (events: events, retry: parser.reconnectionTimeMilliseconds, error: failure)
        guard let reference else {
            reference = run
            continue
        }
        try require(run.error == reference.error, "\(name): the parser fails with \(describe(run.error)), for the whole stream with \(describe(reference.error))")
        guard run.error == nil else { continue }
        try require(run.events == reference.events, "\(name): other events than for the whole stream")
        try require(run.retry == reference.retry, "\(name): retry \(describe(run.retry)), for the whole stream \(describe(reference.retry))")
    }
}

/// `NDJSONParser` on any bytes, fed whole, byte by byte and in scattered chunks, with limits
/// chosen from the input. Checks as for `fuzzSSE`: the same values and the same error
/// whatever the cuts.
public func fuzzNDJSON(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let limits = FramingLimits(bytes)
    var reference: (values: [JSONValue], error: FramingError?)?
    for (name, plan) in ChunkPlan.all(bytes) {
        var parser = NDJSONParser(maxLineBytes: limits.line)
        var values: [JSONValue] = []
        var failure: FramingError?
        do throws(FramingError) {
            for chunk in plan.chunks(of: bytes) { values += try parser.feed(chunk) }
            values += try parser.finish()
        } catch {
            try requireMessage(error.description, "FramingError")
            failure = error
        }
        guard let reference else {
            reference = (values, failure)
            continue
        }
        try require(failure == reference.error, "\(name): the parser fails with \(describe(failure)), for the whole stream with \(describe(reference.error))")
        guard failure == nil else { continue }
        try require(values == reference.values, "\(name): other values than for the whole stream")
    }
}

/// The line and event limits of one run: the parsers' defaults for most inputs, small ones
/// for some, so that the limits are reached too. Chosen from the input's hash, so a saved
/// input replays with the same limits.
struct FramingLimits {
    let line: Int
    let event: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        var random = SplitMix64(seed: fnv1a(bytes) ^ 0x5EED)
        if random.next() % 4 == 0 {
            line = Int(random.next() % 256) + 1
            event = Int(random.next() % 512) + 1
        } else {
            line = 16 << 20
            event = 16 << 20
        }
    }
}
