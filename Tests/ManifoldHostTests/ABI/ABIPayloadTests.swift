import Foundation
import Manifold
import ManifoldHost
import Testing

/// Payloads cross without copies both ways (manifold/artifact.h): a plugin can keep or
/// forward an input's bytes, and hand the host bytes it allocated with a release callback.
@Suite("ABI: payload ownership")
struct ABIPayloadTests {
    static let large = Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31) })

    @Test func forwardedInputPayloadIsTheSameBytes() async throws {
        let kit = try await CPluginKit(
            "forward",
            process: """
                manifold_artifact out = *input;
                out.struct_size = sizeof out;
                out.id = manifold_str_from_cstr(NULL);
                input->payload.retain(input->payload.owner);
                report[0] = call->emit(call->context, &out);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """)
        let input = Artifact(type: .octetStream, payload: Self.large)
        let outputs = try await kit.run(input)
        let output = try #require(outputs.first)
        #expect(kit.report(0) == 0)
        #expect(output.payload == Self.large)
        let inputAddress = input.payload.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        let outputAddress = output.payload.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(inputAddress == outputAddress, "the host reused its own storage: no copy either way")
    }

    @Test func retainedInputOutlivesTheCall() async throws {
        let kit = try await CPluginKit(
            "keeps-input",
            process: """
                kept = input->payload;
                kept.retain(kept.owner);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                pthread_t thread;
                pthread_create(&thread, NULL, read_later, NULL);
                pthread_detach(thread);
                """,
            prelude: """
                static manifold_payload kept;
                static void *read_later(void *unused) {
                    (void)unused;
                    usleep(100 * 1000);
                    unsigned sum = 0;
                    for (size_t i = 0; i < kept.length; i++) sum = sum * 31u + kept.data[i];
                    report[9] = (int)(sum & 0x7fffffff);
                    kept.release(kept.owner);
                    report[10] = 1;
                    return NULL;
                }
                """)
        do {
            _ = try await kit.run(Artifact(type: .octetStream, payload: Self.large))
        }
        #expect(await waitUntil { kit.report(10) == 1 })
        var sum: UInt32 = 0
        for byte in Self.large { sum = sum &* 31 &+ UInt32(byte) }
        #expect(kit.report(9) == Int32(sum & 0x7fff_ffff))
    }

    @Test func givenPayloadsAreReleasedExactlyOnce() async throws {
        let kit = try await CPluginKit(
            "gives-payloads",
            process: """
                for (int i = 0; i < 4; i++) {
                    size_t length = i == 0 ? 16 : 4096;
                    uint8_t *bytes = malloc(length);
                    memset(bytes, 'a' + i, length);
                    manifold_artifact out; memset(&out, 0, sizeof out);
                    out.struct_size = sizeof out;
                    out.type = manifold_str_from_cstr(i == 3 ? "not a type" : "application/octet-stream");
                    out.payload = (manifold_payload){ .data = bytes, .length = length, .owner = bytes, .release = counted_free };
                    report[i] = call->emit(call->context, &out);
                }
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """,
            prelude: """
                static void counted_free(void *owner) { free(owner); atomic_fetch_add(&report[11], 1); }
                """)
        do {
            let outputs = try await kit.run(.text("x"))
            #expect(outputs.filter { $0.type == .octetStream }.map(\.payload.count) == [16, 4096, 4096])
            #expect(outputs.count == 3)
            #expect(kit.rejected.items.count == 1 && kit.rejected.items.first?.contains("the artifact's type is malformed") == true)
            #expect([kit.report(0), kit.report(1), kit.report(2), kit.report(3)] == [0, 0, 0, 3])
            // The small payload was copied and released at once, the malformed one refused and
            // released; the two large ones are still referenced by the outputs.
            #expect(kit.report(11) == 2)
        }
        #expect(kit.report(11) == 4)
    }

    /// The host reuses a completed call's input view for the next input: each input must
    /// still reach the plugin whole, also when it needs a larger block than the one before.
    @Test func consecutiveInputsEachArriveWhole() async throws {
        let kit = try await CPluginKit(
            "echoes-inputs",
            process: """
                manifold_artifact out = *input;
                out.struct_size = sizeof out;
                out.id = manifold_str_from_cstr(NULL);
                out.payload.owner = NULL; out.payload.retain = NULL; out.payload.release = NULL;
                report[0] = call->emit(call->context, &out);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """)
        let inputs = [
            Artifact.text("short"),
            Artifact.text(String(repeating: "a longer text ", count: 20), metadata: ["k": "v", "other": "w"]),
            Artifact(type: .octetStream, payload: Self.large),
            Artifact.text("x", type: try ArtifactType(parsing: "text/plain;charset=utf-8")),
        ]
        for input in inputs {
            let output = try #require(try await kit.run(input).first)
            #expect(output.payload == input.payload)
            #expect(output.type == input.type)
            #expect(output.metadata == input.metadata)
        }
    }

    /// A small input payload the plugin keeps stays intact after the next input: the host
    /// reuses an input view only when the plugin holds no reference to it.
    @Test func keptSmallInputSurvivesTheNextInput() async throws {
        let kit = try await CPluginKit(
            "keeps-small-input",
            process: """
                if (report[12] == 0) {
                    kept = input->payload;
                    kept.retain(kept.owner);
                    report[12] = 1;
                } else if (report[13] == 0) {
                    report[13] = kept.length == 5 && memcmp(kept.data, "first", 5) == 0 ? 1 : 2;
                    kept.release(kept.owner);
                }
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """,
            prelude: "static manifold_payload kept;")
        _ = try await kit.run(.text("first"))
        _ = try await kit.run(.text("other"))
        _ = try await kit.run(.text("third"))
        #expect(kit.report(13) == 1)
    }
}
