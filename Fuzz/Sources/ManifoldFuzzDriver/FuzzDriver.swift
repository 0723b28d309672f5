import CLibFuzzer
import ManifoldFuzzTargets

#if canImport(Glibc)
import Glibc
#endif

/// Runs one fuzz target under libFuzzer. Each `fuzz-<target>` executable exports its
/// `LLVMFuzzerTestOneInput`, which calls `test`, and starts libFuzzer with `run`.
public enum FuzzDriver {
    /// Runs `target` on one input; a broken invariant becomes a crash, which is how libFuzzer
    /// learns of it (it then saves the input and stops).
    public static func test(_ target: FuzzTarget, _ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        do throws(FuzzFailure) {
            try target.run(UnsafeRawBufferPointer(start: data, count: size))
        } catch {
            fatalError("fuzz target \(target.name): \(error)")
        }
        return 0
    }

    /// Hands the process's arguments (libFuzzer's flags and corpus folders) to libFuzzer,
    /// which calls `testOneInput` with each input, and exits with its status.
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}
