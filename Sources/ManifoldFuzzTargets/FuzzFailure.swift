/// An invariant a fuzz target found broken: what should have held, for which input.
///
/// Targets throw it instead of trapping so that the corpus tests can report a broken input as
/// a test failure with its file name; the fuzzer executables turn it into a crash, which is
/// how libFuzzer learns of it and saves the input.
public struct FuzzFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the values that show it.
    public let message: String

    /// A failure saying `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Throws `FuzzFailure(message)` unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFailure) {
    if !condition { throw FuzzFailure(message()) }
}

/// Checks an error message a user would read: not empty, not only spaces.
func requireMessage(_ text: String, _ what: @autoclosure () -> String) throws(FuzzFailure) {
    try require(!text.allSatisfy(\.isWhitespace), "\(what()) has an empty message")
}

/// `body`'s value or its error, so that a target can check each without a `do` block whose
/// `catch` would also catch the target's own `FuzzFailure`.
func outcome<Value, Failure: Error>(_ body: () throws(Failure) -> Value) -> Result<Value, Failure> {
    do {
        return .success(try body())
    } catch {
        return .failure(error)
    }
}

/// `value`, or "nothing" for `nil`, for failure messages.
func describe<Value>(_ value: Value?) -> String {
    value.map { String(describing: $0) } ?? "nothing"
}
