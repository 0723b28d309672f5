/// Whether a run spread over several processes has done all its work: the termination test of
/// the coordinator, correct with cycles and without timers.
///
/// Work exists only as messages in the run's stream that some consumer has not finished: not
/// yet delivered, or delivered and not yet acknowledged. A node acknowledges an input only
/// after the server stored what it emitted for it, so work never vanishes between a consumer
/// and the next: an input finished after the scan saw its consumer quiet has stored its outputs
/// first, which moves the stream's last sequence. The run is quiet when every consumer is quiet
/// and the last sequence did not move during the scan.
struct RunQuiescence {
    let jetStream: JetStream
    let stream: String

    /// One scan: `true` when `consumers` had nothing undelivered or unacknowledged and nothing
    /// was stored meanwhile; `false` on any doubt (a server that did not answer).
    func isQuiet(consumers: [String]) -> Bool {
        do {
            let before = try jetStream.lastSequence(ofStream: stream)
            for consumer in consumers {
                let backlog = try jetStream.consumerBacklog(consumer, stream: stream)
                if backlog.undelivered > 0 || backlog.unacknowledged > 0 { return false }
            }
            return try jetStream.lastSequence(ofStream: stream) == before
        } catch {
            return false
        }
    }
}
