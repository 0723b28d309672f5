import ManifoldFFI
import ManifoldJSON
import Testing

/// Tests that share the example library's process-wide counter run one at a time.
@Suite("Concurrent calls", .serialized)
struct ConcurrencyTests {
    @Test func manyTasksShareBoundFunctions() async throws {
        let factorial = try TestLibraries.exampleTool("manifold_example_factorial", "int64(int64 n)")
        let greeting = try TestLibraries.exampleTool("manifold_example_greeting", "const char*(const char* name)")
        let pow = try ForeignFunction(library: TestLibraries.libm, symbol: "pow", signature: "double(double x, double y)")
        let expectedFactorials: [Int64] = (0...20).map { n in (1...max(n, 1)).reduce(1, *) }

        let mismatches = try await withThrowingTaskGroup(of: [String].self) { group in
            for task in 0..<200 {
                group.addTask {
                    var problems: [String] = []
                    for round in 0..<50 {
                        let n = (task + round) % 21
                        let name = "task-\(task)-round-\(round)"
                        if try factorial.call(["n": .integer(Int64(n))]) != .integer(expectedFactorials[n]) {
                            problems.append("factorial(\(n))")
                        }
                        if try greeting.call(["name": .string(name)]) != .string("Hello, \(name)!") {
                            problems.append("greeting(\(name))")
                        }
                        let exponent = Double(n)
                        if try pow.call(["x": 2, "y": .number(exponent)]) != .number(Double(1 << n)) {
                            problems.append("pow(2, \(n))")
                        }
                    }
                    return problems
                }
            }
            var all: [String] = []
            for try await problems in group { all += problems }
            return all
        }
        #expect(mismatches.isEmpty, "wrong results: \(mismatches.prefix(10))")
    }

    @Test func concurrentCallsAllRun() async throws {
        let increment = try TestLibraries.exampleTool("manifold_example_counter_increment", "void(void)")
        let value = try TestLibraries.exampleTool("manifold_example_counter_value", "int64()")
        let before = try #require(try value.call(nil).integerValue)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    for _ in 0..<100 {
                        let result = try increment.call(nil)
                        #expect(result == .null)
                    }
                }
            }
            try await group.waitForAll()
        }
        let after = try #require(try value.call([:]).integerValue)
        #expect(after - before == 6400)
    }

    @Test func voidFunctionsAcceptEveryEmptyArgumentForm() throws {
        let increment = try TestLibraries.exampleTool("manifold_example_counter_increment", "void()")
        let value = try TestLibraries.exampleTool("manifold_example_counter_value", "int64(void)")
        let before = try #require(try value.call(nil).integerValue)
        #expect(try increment.call(nil) == .null)
        #expect(try increment.call([:]) == .null)
        #expect(try increment.call([]) == .null)
        #expect(try value.call([]) == .integer(before + 3))
    }
}
