import Foundation
import Manifold
import ManifoldHost
import Testing

/// The event log's hand-written JSON lines mean exactly what `JSONEncoder` would write, and
/// its timestamps are the RFC 3339 UTC times it always wrote.
@Suite("Event log lines")
struct RunEventRecordLineTests {
    private static func encoded(_ record: RunEventRecord) throws -> (hand: [UInt8], reference: Data) {
        var line: [UInt8] = []
        record.appendJSONLine(to: &line)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (line, try encoder.encode(record) + [0x0A])
    }

    @Test func everyEventKindMatchesTheEncoder() throws {
        let tricky = "quote \" backslash \\ slash / newline \n tab \t bell \u{07} escape \u{1b}[2J é 😀"
        let artifact = Artifact.text(tricky, correlationID: "c1")
        let topic = try Topic("in/text")
        let events: [RunEvent] = [
            .published(artifact, topic: topic),
            .delivered(artifact, topic: topic, subscription: "node \"a\""),
            .dropped(artifact, topic: nil, subscription: "s", reason: .droppedOldest),
            .deadLettered(artifact, reason: .noSubscriber, topic: topic, by: nil, detail: tricky),
            .settled(subscription: "s", count: 42),
            .nodeStarted(node: "n"),
            .inputDone(node: "n", input: artifact, duration: .microseconds(1234.5), succeeded: false),
            .inputDone(node: "n", input: artifact, duration: .seconds(3), succeeded: true),
        ]
        for event in events {
            let record = RunEventRecord(event, time: "2026-11-30T06:50:12.345Z")
            let (hand, reference) = try Self.encoded(record)
            #expect(hand.last == 0x0A)
            #expect(!hand.dropLast().contains(0x0A), "one event, one line")
            #expect(!hand.contains(0x1B), "control characters are escaped")
            let decoded = try JSONDecoder().decode(RunEventRecord.self, from: Data(hand))
            #expect(decoded == record, "\(String(decoding: hand, as: UTF8.self)) vs \(String(decoding: reference, as: UTF8.self))")
        }
        let missed = RunEventRecord(missed: 7, time: "2026-11-30T06:50:12.345Z")
        #expect(String(decoding: try Self.encoded(missed).hand, as: UTF8.self) == #"{"count":7,"event":"missed","time":"2026-11-30T06:50:12.345Z"}"# + "\n")
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        var formatter = EventTimestampFormatter()
        #expect(formatter.format(EventTimestamp(seconds: 0, milliseconds: 7)) == "1970-01-01T00:00:00.007Z")
        #expect(formatter.format(EventTimestamp(seconds: 1_796_021_412, milliseconds: 345)) == "2026-11-30T06:50:12.345Z")
        // The cached second is reused only for the same second.
        #expect(formatter.format(EventTimestamp(seconds: 1_796_021_413, milliseconds: 0)) == "2026-11-30T06:50:13.000Z")
        #expect(EventTimestamp(Date(timeIntervalSince1970: 1_796_021_412.3456)) == EventTimestamp(seconds: 1_796_021_412, milliseconds: 345))
        #expect(EventTimestamp(Date(timeIntervalSince1970: -0.5)) == EventTimestamp(seconds: -1, milliseconds: 500))
    }
}
