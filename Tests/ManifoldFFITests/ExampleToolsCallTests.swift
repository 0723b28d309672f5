import ManifoldFFI
import ManifoldJSON
import Testing

@Suite("Calls into the example tools library")
struct ExampleToolsCallTests {
    private func tool(_ symbol: String, _ signature: String) throws -> ForeignFunction {
        try TestLibraries.exampleTool("manifold_example_" + symbol, signature, name: symbol)
    }

    @Test func doubles() throws {
        let add = try tool("add", "double(double a, double b)")
        #expect(try add.call(["a": 1.5, "b": 2.25]) == .number(3.75))
        #expect(try add.call(["a": 1, "b": -1]) == .number(0))
    }

    @Test func int64ArgumentsAndResults() throws {
        let factorial = try tool("factorial", "int64_t(int64_t n)")
        #expect(try factorial.call(["n": 0]) == 1)
        #expect(try factorial.call(["n": 5.0]) == 120)
        #expect(try factorial.call(["n": 20]) == 2_432_902_008_176_640_000)
        #expect(try factorial.call(["n": 21]) == -1)
        #expect(try factorial.call(["n": -3]) == -1)
        let gcd = try tool("gcd", "int64(int64 a, int64 b)")
        #expect(try gcd.call(["a": -12, "b": 18]) == 6)
        #expect(try gcd.call(["a": .integer(Int64.min), "b": 0]) == -1)
    }

    @Test func int32Results() throws {
        let isPrime = try tool("is_prime", "int32(int64 n)")
        #expect(try isPrime.call(["n": 97]) == 1)
        #expect(try isPrime.call(["n": 91]) == 0)
        #expect(try isPrime.call(["n": 1]) == 0)
        #expect(try isPrime.call(["n": 2_147_483_647]) == 1)
    }

    @Test func stringsInAndOut() throws {
        let length = try tool("string_length", "int64(const char* text)")
        #expect(try length.call(["text": "héllo, wörld"]) == 12)
        #expect(try length.call(["text": ""]) == 0)
        let greeting = try tool("greeting", "const char*(const char* name)")
        #expect(try greeting.call(["name": "Ada"]) == "Hello, Ada!")
        #expect(try greeting.call(["name": "Zoë 🚀"]) == "Hello, Zoë 🚀!")
    }

    @Test func nullStringReturnBecomesNull() throws {
        let greeting = try tool("greeting", "string(string name)")
        #expect(try greeting.call(["name": ""]) == .null)
        #expect(try greeting.call(["name": .string(String(repeating: "x", count: 201))]) == .null)
    }

    @Test func floats() throws {
        let convert = try tool("celsius_to_fahrenheit", "float(float celsius)")
        #expect(try convert.call(["celsius": 100]) == .number(212))
        #expect(try convert.call(["celsius": -40]) == .number(-40))
        // The float result is widened through its shortest decimal form.
        let body = try #require(try convert.call(["celsius": 37]).doubleValue)
        #expect(abs(body - 98.6) < 1e-4)
        #expect("\(body)".count <= 9, "expected a short decimal such as 98.6, got \(body)")
    }

    @Test func narrowUnsignedAndSignedIntegers() throws {
        let add = try tool("wrapping_add_u8", "uint8(uint8 a, uint8 b)")
        #expect(try add.call(["a": 200, "b": 100]) == 44)
        #expect(try add.call(["a": 255, "b": 255]) == 254)
        let cSpelled = try tool("wrapping_add_u8", "unsigned char(unsigned char a, unsigned char b)")
        #expect(try cSpelled.call([255, 1]) == 0)
        let negate = try tool("negate_i8", "int8(int8 value)")
        #expect(try negate.call(["value": 5]) == -5)
        #expect(try negate.call(["value": -128]) == 127)
        #expect(try negate.call(["value": 127]) == -127)
        let echo16 = try tool("echo_u16", "uint16(uint16 value)")
        #expect(try echo16.call([65535]) == 65535)
    }

    @Test func bools() throws {
        let xor = try tool("xor", "bool(bool a, bool b)")
        #expect(try xor.call(["a": true, "b": false]) == true)
        #expect(try xor.call(["a": true, "b": true]) == false)
        #expect(try xor.call(["a": false, "b": false]) == false)
    }

    @Test func uint64Range() throws {
        let echo = try tool("echo_u64", "uint64(uint64 value)")
        #expect(try echo.call(["value": .integer(Int64.max)]) == .integer(Int64.max))
        #expect(try echo.call(["value": 0]) == 0)
        // 2^63 is a valid argument but not a JSON integer result.
        let error = expectFailure(
            containing: "tool 'echo_u64' returned 9223372036854775808 (uint64)", "declare the return type as int64"
        ) { () throws(ForeignCallError) in try echo.call(["value": .number(9_223_372_036_854_775_808)]) }
        #expect(error == .unrepresentableResult(function: "echo_u64", type: .uint64, value: "9223372036854775808"))
        let asSigned = try tool("echo_u64", "int64(uint64 value)")
        #expect(try asSigned.call(["value": .number(18_446_744_073_709_549_568)]) == -2048)
    }

    @Test func manyMixedArgumentsIncludingStackArguments() throws {
        let sum = try tool(
            "sum_mixed", "int64(int8 a, uint8 b, int16 c, uint16 d, int32 e, uint32 f, int64 g, bool negate)"
        )
        let arguments: JSONValue = [
            "a": -128, "b": 255, "c": -32768, "d": 65535, "e": .integer(Int64(Int32.min)),
            "f": .integer(Int64(UInt32.max)), "g": 1_000_000_000_000, "negate": false,
        ]
        #expect(try sum.call(arguments) == 1_002_147_516_541)
        var negated = try #require(arguments.objectValue)
        negated["negate"] = true
        #expect(try sum.call(.object(negated)) == -1_002_147_516_541)
        #expect(try sum.call([1, 2, 3, 4, 5, 6, 7, true]) == -28)
    }

    @Test func opaquePointerAcceptsNull() throws {
        let isNull = try tool("is_null", "int32(void* pointer)")
        #expect(try isNull.call(["pointer": nil]) == 1)
        #expect(try isNull.call([.null]) == 1)
    }
}
