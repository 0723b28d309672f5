import ManifoldFFI
import ManifoldJSON
import Testing

@Suite("Calls into libm and libc")
struct SystemLibraryCallTests {
    @Test func powWithNamedArguments() throws {
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        #expect(try pow.call(["x": 2, "y": 10]) == .number(1024))
        #expect(try pow.call(["y": 0.5, "x": 9.0]) == .number(3))
        #expect(pow.name == "pow")
        #expect(pow.description == "pow: double(double x, double y) from \(TestLibraries.libm)")
    }

    @Test func powWithPositionalArguments() throws {
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double, double)")
        #expect(try pow.call([2, -1]) == .number(0.5))
        #expect(try pow.call(positional: [3, 3]) == .number(27))
    }

    @Test func cosAndFabs() throws {
        let cos = try ForeignFunction(library: TestLibraries.libm, symbol: "cos", signature: "double cos(double x);")
        #expect(try cos.call(["x": 0]) == .number(1))
        let half = try #require(try cos.call([.number(Double.pi / 3)]).doubleValue)
        #expect(abs(half - 0.5) < 1e-12)
        let fabs = try ForeignFunction(library: TestLibraries.libm, symbol: "fabs", signature: "double(double value)")
        #expect(try fabs.call(["value": -3.5]) == .number(3.5))
        #expect(try fabs.call(["value": .integer(-7)]) == .number(7))
    }

    @Test func floatFunctionFromLibm() throws {
        let sqrtf = try ForeignFunction(library: TestLibraries.libm, symbol: "sqrtf", signature: "float(float x)")
        #expect(try sqrtf.call([2.25]) == .number(1.5))
    }

    @Test func nonFiniteResultIsAnError() throws {
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        let error = expectFailure(containing: "tool 'pow' returned inf (double), which JSON cannot represent") {
            () throws(ForeignCallError) in try pow.call(["x": 0, "y": -1])
        }
        #expect(error == .unrepresentableResult(function: "pow", type: .double, value: "inf"))
        let sqrt = try ForeignFunction(library: TestLibraries.libm, symbol: "sqrt", signature: "double(double x)", name: "root")
        expectFailure(containing: "tool 'root' returned nan (double)") { () throws(ForeignCallError) in
            try sqrt.call([-1])
        }
    }

    @Test func libcStringAndIntegerFunctions() throws {
        let strlen = try ForeignFunction(library: TestLibraries.libc, symbol: "strlen", signature: "size_t(const char* s)")
        #expect(try strlen.call(["s": "héllo"]) == 6)
        #expect(try strlen.call(["s": ""]) == 0)
        let abs = try ForeignFunction(library: TestLibraries.libc, symbol: "abs", signature: "int(int n)")
        #expect(try abs.call(["n": -5]) == 5)
        #expect(try abs.call(["n": .integer(Int64(Int32.min) + 1)]) == .integer(Int64(Int32.max)))
        let labs = try ForeignFunction(library: TestLibraries.libc, symbol: "labs", signature: "long(long n)")
        #expect(try labs.call([.integer(-5_000_000_000)]) == 5_000_000_000)
    }

    @Test func librariesAreOpenedOncePerPath() throws {
        let first = try ForeignLibrary.open(TestLibraries.libm)
        let second = try ForeignLibrary.open(TestLibraries.libm)
        #expect(first === second)
        let pow = try first.function(symbol: "pow", signature: CSignature(parsing: "double(double x, double y)"), name: "power")
        #expect(pow.library === first)
        #expect(pow.name == "power")
        #expect(pow.symbol == "pow")
        #expect(try pow.call(["x": 10, "y": 3]) == .number(1000))
    }
}
