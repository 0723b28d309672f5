import Foundation
import GRDB
import Manifold
@testable import ManifoldJournal
import Synchronization
import Testing

/// What a recorder writes: every artifact, emit, settlement and failure of a run, in an order a
/// resume can trust, with large payloads stored once.
@Suite("Journal: recording")
struct JournalRecordingTests {
    @Test("a pipeline run is recorded whole: each artifact published once, each input settled after its output was published")
    func pipelineIsRecordedWhole() async throws {
        let file = try JournalFile(path: try JournalTestSupport.newJournalPath())
        let recorder = try JournalRecorder(file: file, run: JournalTestSupport.run("r1")) { _ in Issue.record("no write fails") }
        let texts = (0..<500).map { "line \($0)" }
        let outputs = try await JournalTestSupport.recordPipeline(texts, into: recorder)
        #expect(await recorder.finish(status: .finished) == nil)
        #expect(outputs.map(\.text) == texts.map { $0 + "abc" })

        let run = try file.run("r1")
        #expect(run.status == .finished && run.endedAt != nil)
        #expect(run.published == 2000 && run.settled == 1500 && run.failed == 0 && run.deadLettered == 0)
        let records = try file.records(of: "r1")
        var publishedAt: [String: Int] = [:]
        var settled: [String: Int] = [:]
        for (position, record) in records.enumerated() {
            switch record {
            case .published(let artifact, _, _):
                #expect(publishedAt.updateValue(position, forKey: artifact.id.rawValue) == nil, "published twice: \(artifact.id)")
            case .emitted(_, let input, let output, _):
                #expect(publishedAt[output] != nil, "an output is recorded as emitted after it was published")
                #expect(settled[input] == nil, "an input is settled only after its outputs")
            case .settled(let node, let input, let succeeded, _, _):
                #expect(succeeded)
                #expect(publishedAt[input] != nil, "node \(node) settled \(input) before it was published")
                settled[input] = position
            default:
                Issue.record("unexpected record \(record)")
            }
        }
        #expect(settled.count == 1500)
        let fedTexts = records.compactMap { record -> String? in
            guard case .published(let artifact, "in", _) = record else { return nil }
            return artifact.text
        }
        #expect(fedTexts == texts, "the fed artifacts come back with their payloads, in order")
    }

    @Test("payloads from 1 KiB up are stored once per journal, however many artifacts and runs carry them; pruning frees them")
    func largePayloadsAreStoredOnce() async throws {
        let path = try JournalTestSupport.newJournalPath()
        let file = try JournalFile(path: path)
        for run in ["r1", "r2"] {
            let recorder = try JournalRecorder(file: file, run: JournalTestSupport.run(run)) { _ in }
            // The same four large inputs each run: "x", "y" with 4 KiB of padding.
            _ = try await JournalTestSupport.recordPipeline(["x", "y", "x", "y"], payloadSize: 4096, into: recorder)
            await recorder.finish(status: .finished)
        }
        let database = try DatabaseQueue(path: path)
        // Distinct payloads: x, xa, xab, xabc and the same for y — eight, shared by both runs.
        #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM payloads") } == 8)
        let first = try file.records(of: "r1")
        let texts = first.compactMap { record -> String? in
            guard case .published(let artifact, "out", _) = record else { return nil }
            return String(decoding: artifact.payload.prefix(1), as: UTF8.self) + "\(artifact.payload.count)"
        }
        #expect(texts == ["x4100", "y4100", "x4100", "y4100"], "payloads are read back from their digests")
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        let pruned = try file.prune { $0.filter { $0.id == "r1" } }
        #expect(pruned == JournalFile.Pruned(runs: ["r1"], payloads: 0), "r2 still uses them")
        let all = try file.prune { $0 }
        #expect(all == JournalFile.Pruned(runs: ["r2"], payloads: 8))
        #expect(try file.runs().isEmpty)
        #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM segments") } == 0)
        let pagesFree = try await database.read { try Int.fetchOne($0, sql: "PRAGMA freelist_count") } ?? -1
        #expect(pagesFree == 0, "freed pages go back to the file system")
        #expect(sizeBefore > 0)
    }

    @Test("every record kind round-trips through a segment; a damaged segment names the record")
    func recordsRoundTrip() throws {
        let artifact = Artifact(
            id: "a1", type: .plainText, payload: Data("hi".utf8), metadata: ["k": "v"], origin: "n", correlationID: "c")
        let big = Artifact(id: "a2", type: .octetStream, payload: Data(repeating: 7, count: 2048))
        let records: [JournalRecord] = [
            .published(artifact, topic: "t", at: 1), .published(big, topic: "t", at: 2),
            .emitted(node: "n", input: "a0", output: "a1", at: 3),
            .settled(node: "n", input: "a0", succeeded: false, durationNanos: 1234, at: 4),
            .failed(node: "n", input: "a0", message: "it broke", at: 5),
            .deadLettered(artifact: "a1", reason: "no-subscriber", topic: "t", by: nil, detail: "nobody", at: 6),
            .deadLettered(artifact: "a1", reason: "rejected-type", topic: "t", by: "sub", detail: "no", at: 7),
        ]
        var writer = JournalBytesWriter()
        var stored: [[UInt8]: Data] = [:]
        for record in records { try record.encode(into: &writer) { stored[$0] = $1 } }
        #expect(stored.count == 1)
        let decoded = try JournalRecord.decodeSegment(writer.bytes) { stored[$0] }
        #expect(decoded == records)
        #expect(throws: JournalRecordError.self) { _ = try JournalRecord.decodeSegment(Array(writer.bytes.dropLast(3))) { stored[$0] } }
        do {
            _ = try JournalRecord.decodeSegment(writer.bytes) { _ in nil }
            Issue.record("a missing payload must not decode")
        } catch {
            #expect("\(error)".hasPrefix("record 1 of its segment: its payload "))
            #expect("\(error)".hasSuffix(" is missing from the journal"))
        }
    }

    @Test("a writer slower than the run makes observers wait: nothing is dropped")
    func backpressureLosesNothing() async throws {
        let path = try JournalTestSupport.newJournalPath()
        let file = try JournalFile(path: path, lockWait: 30)
        let recorder = try JournalRecorder(file: file, run: JournalTestSupport.run("r1")) { _ in Issue.record("no write fails") }
        // Another connection holds the write lock: the recorder's first write waits on it.
        let blocker = try DatabaseQueue(path: path)
        let locked = Gate()
        let release = Gate()
        let holder = Thread {
            try? blocker.inTransaction(.exclusive) { _ in
                locked.open()
                release.wait()
                return .commit
            }
        }
        holder.start()
        locked.wait()
        recorder.start(hub: Hub())
        let count = JournalRecorder.queueCapacity * 2 + 10
        let observed = Gate()
        let observer = Thread {
            for index in 0..<count { recorder.observe(.published(Artifact(id: ArtifactID("a\(index)"), type: .plainText), topic: Topic.errors)) }
            observed.open()
        }
        observer.start()
        // The observer fills the queue, then waits for room while the lock is held.
        try await Task.sleep(for: .milliseconds(200))
        #expect(!observed.isOpen, "the observer waits while the queue is full")
        release.open()
        await Task.detached { observed.wait() }.value
        #expect(await recorder.finish(status: .finished) == nil)
        #expect(try file.run("r1").published == count)
    }
}

/// A one-shot gate for threads.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let opened = Atomic<Bool>(false)

    func open() {
        if !opened.exchange(true, ordering: .acquiringAndReleasing) { semaphore.signal() }
    }

    func wait() {
        semaphore.wait()
        semaphore.signal()
    }

    var isOpen: Bool { opened.load(ordering: .acquiring) }
}
