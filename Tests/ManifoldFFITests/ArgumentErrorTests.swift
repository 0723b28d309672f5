import ManifoldFFI
import ManifoldJSON
import Testing

@Suite("Argument conversion errors")
struct ArgumentErrorTests {
    private func pow() throws -> ForeignFunction {
        try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
    }

    private func tool(_ symbol: String, _ signature: String) throws -> ForeignFunction {
        try TestLibraries.exampleTool("manifold_example_" + symbol, signature, name: symbol)
    }

    @Test func wrongArgumentCount() throws {
        let pow = try pow()
        let error = expectFailure(containing: "tool 'pow' takes 2 arguments (double(double x, double y)); got 1") {
            () throws(ForeignCallError) in try pow.call([2])
        }
        #expect(error == .wrongArgumentCount(function: "pow", signature: "double(double x, double y)", expected: 2, received: 1))
        expectFailure(containing: "takes 2 arguments", "got 3") { () throws(ForeignCallError) in try pow.call([1, 2, 3]) }
        expectFailure(containing: "takes 2 arguments", "got 0") { () throws(ForeignCallError) in try pow.call(nil) }
        let counter = try tool("counter_value", "int64()")
        expectFailure(containing: "tool 'counter_value' takes 0 arguments (int64()); got 1") {
            () throws(ForeignCallError) in try counter.call([1])
        }
    }

    @Test func missingNamedArgument() throws {
        let pow = try pow()
        let error = expectFailure(containing: "tool 'pow': missing argument 'y' (double); every parameter is required") {
            () throws(ForeignCallError) in try pow.call(["x": 2])
        }
        #expect(error == .missingArgument(function: "pow", parameter: "y", type: .double))
    }

    @Test func unknownNamedArgument() throws {
        let pow = try pow()
        expectFailure(containing: "tool 'pow': unknown argument 'z'; its parameters are double x, double y") {
            () throws(ForeignCallError) in try pow.call(["x": 2, "y": 3, "z": 4])
        }
        expectFailure(containing: "unknown arguments 'X', 'Y'") { () throws(ForeignCallError) in
            try pow.call(["X": 2, "Y": 3])
        }
        let counter = try tool("counter_value", "int64()")
        expectFailure(containing: "unknown argument 'n'; it takes no arguments") { () throws(ForeignCallError) in
            try counter.call(["n": 1])
        }
    }

    @Test func argumentsMustBeObjectOrArray() throws {
        let pow = try pow()
        expectFailure(containing: "tool 'pow': arguments must be a JSON object", "got string \"2, 3\"") {
            () throws(ForeignCallError) in try pow.call("2, 3")
        }
        let unnamed = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double, double)")
        expectFailure(containing: "names no parameters, so arguments must be a JSON array") { () throws(ForeignCallError) in
            try unnamed.call(["x": 2, "y": 3])
        }
    }

    @Test func wrongJSONType() throws {
        let pow = try pow()
        let error = expectFailure(containing: "tool 'pow': parameter 'x' (double) expects a number; got string \"2\"") {
            () throws(ForeignCallError) in try pow.call(["x": "2", "y": 1])
        }
        #expect(error == .wrongArgumentType(function: "pow", parameter: "x", type: .double, received: "string \"2\""))
        let xor = try tool("xor", "bool(bool a, bool b)")
        expectFailure(containing: "parameter 'b' (bool) expects a boolean; got integer 0") { () throws(ForeignCallError) in
            try xor.call(["a": true, "b": 0])
        }
        let factorial = try tool("factorial", "int64(int64 n)")
        expectFailure(containing: "parameter 'n' (int64) expects an integer in -9223372036854775808...9223372036854775807; got boolean true") {
            () throws(ForeignCallError) in try factorial.call(["n": true])
        }
        let length = try tool("string_length", "int64(const char* text)")
        expectFailure(containing: "parameter 'text' (string) expects a string; got null") { () throws(ForeignCallError) in
            try length.call(["text": nil])
        }
        expectFailure(containing: "expects a string; got an array of 1 element") { () throws(ForeignCallError) in
            try length.call(["text": ["a"]])
        }
        let isNull = try tool("is_null", "int32(ptr pointer)")
        expectFailure(containing: "parameter 'pointer' (ptr) expects null (an opaque pointer parameter only accepts null") {
            () throws(ForeignCallError) in try isNull.call(["pointer": 4096])
        }
        let unnamed = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double, double)")
        expectFailure(containing: "tool 'pow': argument #2 (double) expects a number; got an object") {
            () throws(ForeignCallError) in try unnamed.call([1, ["y": 1]])
        }
    }

    @Test func int8OutOfRange() throws {
        let negate = try tool("negate_i8", "int8(int8 value)")
        let error = expectFailure(containing: "tool 'negate_i8': parameter 'value' (int8) must be in -128...127; got 128") {
            () throws(ForeignCallError) in try negate.call(["value": 128])
        }
        #expect(error == .argumentOutOfRange(function: "negate_i8", parameter: "value", type: .int8, value: "128"))
        expectFailure(containing: "must be in -128...127; got -129") { () throws(ForeignCallError) in
            try negate.call(["value": -129])
        }
    }

    @Test func uint8OutOfRangeAndNegative() throws {
        let add = try tool("wrapping_add_u8", "uint8(uint8 a, uint8 b)")
        expectFailure(containing: "parameter 'b' (uint8) must be in 0...255; got 256") { () throws(ForeignCallError) in
            try add.call(["a": 1, "b": 256])
        }
        expectFailure(containing: "parameter 'a' (uint8) must be in 0...255; got -1 (an unsigned type takes no negative values)") {
            () throws(ForeignCallError) in try add.call(["a": -1, "b": 1])
        }
        let echo = try tool("echo_u64", "uint64(uint64 value)")
        expectFailure(containing: "(uint64) must be in 0...18446744073709551615; got -1 (an unsigned type takes no negative values)") {
            () throws(ForeignCallError) in try echo.call([-1])
        }
        expectFailure(containing: "must be in 0...18446744073709551615; got 2e+19") { () throws(ForeignCallError) in
            try echo.call([.number(2e19)])
        }
    }

    @Test func int32OutOfRange() throws {
        let abs = try ForeignFunction(library: TestLibraries.libc, symbol: "abs", signature: "int32_t(int32_t n)")
        expectFailure(containing: "tool 'abs': parameter 'n' (int32) must be in -2147483648...2147483647; got 2147483648") {
            () throws(ForeignCallError) in try abs.call(["n": 2_147_483_648])
        }
        expectFailure(containing: "must be in -2147483648...2147483647; got -2147483649") { () throws(ForeignCallError) in
            try abs.call(["n": .number(-2_147_483_649)])
        }
    }

    @Test func nonIntegralNumberIntoInteger() throws {
        let factorial = try tool("factorial", "int64(int64 n)")
        let error = expectFailure(containing: "tool 'factorial': parameter 'n' (int64) expects an integer; got 2.5, which has a fractional part") {
            () throws(ForeignCallError) in try factorial.call(["n": 2.5])
        }
        #expect(error == .nonIntegralArgument(function: "factorial", parameter: "n", type: .int64, value: "2.5"))
        expectFailure(containing: "got inf") { () throws(ForeignCallError) in try factorial.call(["n": .number(.infinity)]) }
    }

    @Test func floatOutOfRange() throws {
        let convert = try tool("celsius_to_fahrenheit", "float(float celsius)")
        expectFailure(containing: "parameter 'celsius' (float) must be in -3.4028235e+38...3.4028235e+38; got 1e+39") {
            () throws(ForeignCallError) in try convert.call(["celsius": 1e39])
        }
    }

    @Test func stringWithEmbeddedNul() throws {
        let length = try tool("string_length", "int64(const char* text)")
        let error = expectFailure(containing: "tool 'string_length': parameter 'text' (string) contains a NUL character at UTF-8 offset 2") {
            () throws(ForeignCallError) in try length.call(["text": "é\u{0}b"])
        }
        #expect(error == .stringContainsNul(function: "string_length", parameter: "text", offset: 2))
    }
}
