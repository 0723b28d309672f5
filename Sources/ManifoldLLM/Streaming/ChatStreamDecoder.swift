/// Turns one provider's response body into `ChatStreamEvent`s.
///
/// A decoder owns its framing parser and the partial answer, so the HTTP layer only moves
/// bytes. Decoders are plain values and can be tested without a network.
package protocol ChatStreamDecoder: Sendable {
    /// Adds body bytes and emits the events they completed. Throws `ProviderError`.
    ///
    /// Events go out through `emit` as they are decoded, rather than being returned, so that
    /// text decoded before an error in the same read still reaches the caller.
    mutating func consume<Bytes: Sequence<UInt8>>(_ bytes: Bytes, emit: (ChatStreamEvent) -> Void) throws

    /// The body ended: emits any last events, or throws `streamTruncated` when the provider's
    /// end marker never came.
    mutating func finish(emit: (ChatStreamEvent) -> Void) throws

    /// Whether the answer is complete: the end marker was seen, or the decoder ended the
    /// answer itself (`endedEarly`); bytes after it are ignored.
    var isComplete: Bool { get }

    /// Whether the decoder ended the answer before the end marker, at the request's token
    /// limit: the server is still sending, so the rest of the body is not read.
    var endedEarly: Bool { get }

    /// The end marker, for error messages (`"data: [DONE]"`, …).
    var terminator: String { get }
}
