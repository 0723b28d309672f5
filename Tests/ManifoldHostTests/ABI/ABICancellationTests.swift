import Foundation
import Manifold
import ManifoldHost
import Testing

/// The cancellation rules of manifold/call.h: a plugin may call back into the host from its
/// cancel handler, from any thread, and `complete` waits for a handler running elsewhere.
@Suite("ABI: re-entrant cancellation")
struct ABICancellationTests {
    /// The handler emits (refused: cancelled), asks `is_cancelled` and completes the call,
    /// all from inside the host's `cancel`.
    @Test func handlerMayEmitAskAndComplete() async throws {
        let kit = try await CPluginKit(
            "reentrant",
            process: """
                call->on_cancel(call->context, finish_from_handler, (void *)call);
                report[3] = 1;
                """,
            prelude: """
                static void finish_from_handler(void *data) {
                    const manifold_call *call = data;
                    manifold_artifact out; memset(&out, 0, sizeof out);
                    out.struct_size = sizeof out;
                    out.type = manifold_str_from_cstr("text/plain");
                    report[0] = call->emit(call->context, &out);
                    report[1] = call->is_cancelled(call->context);
                    call->complete(call->context, MANIFOLD_CANCELLED, manifold_str_from_cstr("stopped"));
                    report[2] = 1;
                }
                """)
        let task = Task { try await kit.run(.text("x")) }
        #expect(await waitUntil { kit.report(3) == 1 })
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(kit.report(0) == 2)  // MANIFOLD_CANCELLED
        #expect(kit.report(1) == 1)
        #expect(kit.report(2) == 1)
    }

    /// A handler registered after the call was cancelled runs at once, on the registering
    /// thread, and may complete the call there.
    @Test func registrationAfterCancellationRunsAtOnce() async throws {
        let kit = try await CPluginKit(
            "late-register",
            process: """
                pthread_t thread;
                pthread_create(&thread, NULL, register_when_cancelled, (void *)call);
                pthread_detach(thread);
                """,
            prelude: """
                static pthread_t registering;
                static void complete_now(void *data) {
                    const manifold_call *call = data;
                    report[4] = pthread_equal(pthread_self(), registering) ? 1 : 2;
                    call->complete(call->context, MANIFOLD_CANCELLED, manifold_str_from_cstr("stopped"));
                }
                static void *register_when_cancelled(void *data) {
                    const manifold_call *call = data;
                    while (!call->is_cancelled(call->context)) usleep(1000);
                    registering = pthread_self();
                    call->on_cancel(call->context, complete_now, data);
                    return NULL;
                }
                """)
        let task = Task { try await kit.run(.text("x")) }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(kit.report(4) == 1)
    }

    /// `complete` from another thread while the handler runs returns only once the handler
    /// has returned, so the handler's data may be freed right after `complete`.
    @Test func completeWaitsForAHandlerRunningElsewhere() async throws {
        let kit = try await CPluginKit(
            "waits-for-handler",
            process: """
                call->on_cancel(call->context, slow_handler, NULL);
                pthread_t thread;
                pthread_create(&thread, NULL, complete_while_handler_runs, (void *)call);
                pthread_detach(thread);
                report[3] = 1;
                """,
            prelude: """
                static void slow_handler(void *data) {
                    (void)data;
                    report[5] = 1;
                    usleep(300 * 1000);
                    report[6] = 1;
                }
                static void *complete_while_handler_runs(void *data) {
                    const manifold_call *call = data;
                    while (!report[5]) usleep(1000);
                    call->complete(call->context, MANIFOLD_CANCELLED, manifold_str_from_cstr("stopped"));
                    report[7] = report[6] ? 1 : 2;
                    return NULL;
                }
                """)
        let task = Task { try await kit.run(.text("x")) }
        #expect(await waitUntil { kit.report(3) == 1 })
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(await waitUntil { kit.report(7) != 0 })
        #expect(kit.report(7) == 1)
    }

    /// An `emit` or a second `complete` after `complete`, on the same thread, is refused,
    /// counted and logged; the output never appears.
    @Test func callbacksAfterCompleteAreRefusedAndCounted() async throws {
        let kit = try await CPluginKit(
            "after-complete",
            process: """
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                manifold_artifact out; memset(&out, 0, sizeof out);
                out.struct_size = sizeof out;
                out.type = manifold_str_from_cstr("text/plain");
                report[8] = call->emit(call->context, &out);
                call->complete(call->context, MANIFOLD_OK, manifold_str_from_cstr(NULL));
                """)
        let outputs = try await kit.run(.text("x"))
        #expect(outputs.isEmpty)
        #expect(kit.report(8) == 3)  // MANIFOLD_INVALID_ARGUMENT
        #expect(kit.generator.pluginBugs == 2)
    }
}
