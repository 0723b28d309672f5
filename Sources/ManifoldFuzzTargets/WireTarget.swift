import Foundation
import Manifold
import ManifoldWire

/// The wire codec on any bytes, read two ways: as one frame by `WireDecoder`, and as a stream
/// of frames by `WireFrameReader` fed whole, byte by byte and in scattered chunks.
///
/// Checks: errors say something; the reader returns the same frames and fails with the same
/// error however the stream is cut (but for `badMagic`, which shows only the bytes that had
/// arrived); a frame the decoder reads is the one frame the reader reads; every artifact
/// encodes, and decodes back to the same artifact (decode → encode → decode), which encodes
/// to a frame of the same size; every control frame encodes back to exactly its bytes.
///
/// Decoder, reader and encoder share limits chosen from the input's hash: the defaults for
/// most inputs, small ones for some, so that every limit is reached; the encoder must then
/// write every frame the decoder read, since it checks the limits a peer enforces.
public func fuzzWire(_ bytes: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let limits = chosenLimits(bytes)
    let decoded = outcome { () throws(WireError) in try WireDecoder(limits: limits).decodeFrame(bytes) }
    switch decoded {
    case .failure(let error): try requireMessage(error.description, "WireError")
    case .success(let frame): try checkRoundTrip(frame, of: bytes, limits: limits)
    }

    var reference: ReaderRun?
    for (name, plan) in ChunkPlan.all(bytes) {
        let run = try ReaderRun(plan.chunks(of: bytes), limits: limits)
        guard let reference else {
            reference = run
            continue
        }
        try require(run.frames == reference.frames, "\(name): the reader returns other frames than for the whole stream")
        try require(
            WireErrorShape(run.error) == WireErrorShape(reference.error),
            "\(name): the reader fails with \(run.error.map(String.init(describing:)) ?? "nothing"), "
                + "for the whole stream with \(reference.error.map(String.init(describing:)) ?? "nothing")")
    }
    if let reference {
        for frame in reference.frames { try checkEncoding(frame, limits: limits) }
        if case .success(let frame) = decoded {
            try require(reference.frames == [frame] && reference.error == nil, "the decoder reads one frame, the reader \(reference.frames.count) and \(reference.error.map(String.init(describing:)) ?? "no error")")
        }
    }
}

/// What a `WireFrameReader` made of one stream: the frames it returned, then its error (from
/// `next()` or `finish()`), if any.
private struct ReaderRun {
    var frames: [WireFrame] = []
    var error: WireError?

    init(_ chunks: [UnsafeRawBufferPointer], limits: WireLimits) throws(FuzzFailure) {
        var reader = WireFrameReader(limits: limits)
        do throws(WireError) {
            for chunk in chunks {
                reader.append(chunk)
                while let frame = try reader.next() { frames.append(frame) }
            }
        } catch {
            self.error = error
            try requireMessage(error.description, "WireError")
            // A reader that failed keeps failing with the same error, at the end too.
            try require(outcome({ () throws(WireError) in try reader.next() }).failure == error, "the reader does not repeat its error \(error)")
            try require(outcome({ () throws(WireError) in try reader.finish() }).failure == error, "finish does not repeat the error \(error)")
            return
        }
        if case .failure(let error) = outcome({ () throws(WireError) in try reader.finish() }) {
            self.error = error
            try requireMessage(error.description, "WireError")
        }
    }
}

/// An error with `badMagic`'s bytes left out: a reader sees a bad magic as soon as its first
/// byte arrives, so the bytes it shows depend on where the stream was cut.
private enum WireErrorShape: Equatable {
    case none
    case badMagic
    case other(WireError)

    init(_ error: WireError?) {
        switch error {
        case nil: self = .none
        case .badMagic?: self = .badMagic
        case let error?: self = .other(error)
        }
    }
}

/// A frame the decoder read from `bytes` encodes back: a control frame to `bytes` exactly.
private func checkRoundTrip(_ frame: WireFrame, of bytes: UnsafeRawBufferPointer, limits: WireLimits) throws(FuzzFailure) {
    try checkEncoding(frame, limits: limits)
    if case .control = frame {
        let encoded = outcome { () throws(WireError) in try WireEncoder(limits: limits).encode(frame) }
        try require(encoded.success == Array(bytes), "a control frame does not encode back to its bytes")
    }
}

/// decode → encode → decode gives the same frame, and encoding it again gives a frame of the
/// same size (metadata entries may come in another order, so not always the same bytes).
private func checkEncoding(_ frame: WireFrame, limits: WireLimits) throws(FuzzFailure) {
    let encoder = WireEncoder(limits: limits)
    let decoder = WireDecoder(limits: limits)
    let first: [UInt8]
    switch outcome({ () throws(WireError) in try encoder.encode(frame) }) {
    case .failure(let error): throw FuzzFailure("a decoded \(frame.kind) frame does not encode: \(error)")
    case .success(let bytes): first = bytes
    }
    let again: WireFrame
    switch outcome({ () throws(WireError) in try decoder.decodeFrame(first) }) {
    case .failure(let error): throw FuzzFailure("a re-encoded \(frame.kind) frame does not decode: \(error)")
    case .success(let frame): again = frame
    }
    try require(again == frame, "decode → encode → decode changes the \(frame.kind) frame")
    if case .artifact(let artifact) = again {
        try require(artifact.payload.startIndex == 0, "a decoded payload is indexed from \(artifact.payload.startIndex)")
    }
    let second = outcome { () throws(WireError) in try encoder.encode(again) }
    try require(second.success?.count == first.count, "encoding the frame twice gives frames of different sizes")
}

/// The limits of one run: the defaults for three inputs in four, small ones (each reachable by
/// an input of a few hundred bytes) for the rest. From the input's hash, so a saved input
/// replays with the same limits.
private func chosenLimits(_ bytes: UnsafeRawBufferPointer) -> WireLimits {
    var random = SplitMix64(seed: fnv1a(bytes) ^ 0x3175)
    guard random.next() % 4 == 0 else { return .default }
    return WireLimits(
        maxBodyBytes: Int(random.next() % 512), maxHeaderBytes: Int(random.next() % 512),
        maxMetadataEntries: Int(random.next() % 8), maxStringBytes: Int(random.next() % 64))
}

extension Result {
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
