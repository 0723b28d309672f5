import ManifoldLLM
import Testing

@testable import ManifoldFuzzTargets

/// The checks the targets rest on: the cuts cover the input, and a reader whose result
/// depends on the cuts is caught.
@Suite("Fuzz targets: chunk plans and the decoder comparison")
struct HarnessTests {
    @Test("every plan cuts the input into chunks that join back to it", arguments: [0, 1, 2, 17, 300, 4096])
    func plansCoverTheInput(_ count: Int) {
        let input = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        input.withUnsafeBytes { bytes in
            for (name, plan) in ChunkPlan.all(bytes) {
                let joined = plan.chunks(of: bytes).flatMap { Array($0) }
                #expect(joined == input, "\(name)")
                #expect(plan.ends == plan.ends.sorted(), "\(name): chunks out of order")
            }
            #expect(ChunkPlan.byteByByte(count).ends.count == count)
        }
    }

    @Test("the same input is cut the same way every time, so a saved crash replays")
    func scatteredIsReproducible() {
        let input = Array("data: {\"choices\":[]}\n\n".utf8)
        input.withUnsafeBytes { bytes in
            #expect(ChunkPlan.scattered(bytes).ends == ChunkPlan.scattered(bytes).ends)
        }
    }

    @Test("a decoder whose events depend on where reads end is reported")
    func chunkDependentDecoderFails() {
        let body = Array("a body of several bytes".utf8)
        let result = body.withUnsafeBytes { bytes in
            outcome { () throws(FuzzFailure) in try compareDecodings(of: bytes) { _ in OneEventPerRead() } }
        }
        #expect(result.failure?.message.contains("other events than for the whole body") == true, "\(result)")
    }

    @Test("a decoder that ignores the cuts passes")
    func chunkIndependentDecoderPasses() throws {
        let body = Array("a body of several bytes".utf8)
        let result = body.withUnsafeBytes { bytes in
            outcome { () throws(FuzzFailure) in try compareDecodings(of: bytes) { _ in OneEventPerBody() } }
        }
        try result.get()
    }
}

/// Emits one text delta per `consume`: wrong, since reads end anywhere.
private struct OneEventPerRead: ChatStreamDecoder {
    var isComplete = false
    var endedEarly = false
    var terminator: String { "the end" }

    mutating func consume<Bytes: Sequence<UInt8>>(_ bytes: Bytes, emit: (ChatStreamEvent) -> Void) throws {
        emit(.textDelta(String(decoding: Array(bytes), as: UTF8.self)))
    }

    mutating func finish(emit: (ChatStreamEvent) -> Void) throws {
        emit(.finished(.stop, .assistant("")))
    }
}

/// Collects the body and emits it whole at the end: right.
private struct OneEventPerBody: ChatStreamDecoder {
    var isComplete = false
    var endedEarly = false
    var terminator: String { "the end" }
    private var text: [UInt8] = []

    mutating func consume<Bytes: Sequence<UInt8>>(_ bytes: Bytes, emit: (ChatStreamEvent) -> Void) throws {
        text += bytes
    }

    mutating func finish(emit: (ChatStreamEvent) -> Void) throws {
        let text = String(decoding: text, as: UTF8.self)
        emit(.textDelta(text))
        emit(.finished(.stop, .assistant(text)))
    }
}
