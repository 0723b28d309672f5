/// Joins the text deltas decoded from one network read into one delta.
///
/// A server streams tokens faster than they are read: one read often holds dozens of them.
/// Handing each on as its own event costs a stream hop, an artifact, a hub publish and a
/// print per token; joining the ones that arrived together costs nothing in latency (they
/// were all there at once) and keeps the text and its order. Any other event ends the text
/// gathered so far, which goes first.
struct DeltaCoalescer {
    private var text = ""

    /// Passes `event` on through `deliver`, holding text deltas back to join them.
    mutating func add(_ event: ChatStreamEvent, deliver: (ChatStreamEvent) -> Void) {
        if case .textDelta(let piece) = event {
            text += piece
            return
        }
        flush(deliver)
        deliver(event)
    }

    /// Passes on the text held, as one delta: at the end of each read, and before an error.
    mutating func flush(_ deliver: (ChatStreamEvent) -> Void) {
        guard !text.isEmpty else { return }
        deliver(.textDelta(text))
        text = ""
    }
}
