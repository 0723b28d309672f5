import ManifoldJSON
import Testing

@Suite("JSON Schema: exact multipleOf")
struct SchemaNumberTests {
    func isMultiple(_ value: String, of divisor: String) throws -> Bool {
        let schema = try JSONSchema(JSONValue(parsing: #"{"multipleOf": \#(divisor)}"#))
        return schema.accepts(try JSONValue(parsing: value))
    }

    @Test func decimalDivisorsAreExact() throws {
        #expect(try !isMultiple("12345678.901", of: "0.01"))
        #expect(try isMultiple("12345678.9", of: "0.01"))
        #expect(try isMultiple("0.3", of: "0.1"))
        #expect(try isMultiple("19.99", of: "0.01"))
        #expect(try !isMultiple("0.0075", of: "0.01"))
        #expect(try isMultiple("4.5e-7", of: "1.5e-7"))
    }

    @Test func integerDivisorRefusesAFraction() throws {
        #expect(try !isMultiple("10000000000.5", of: "1"))
        #expect(try isMultiple("10000000000", of: "1"))
        #expect(try isMultiple("1e20", of: "1"))
    }

    @Test func bigIntegersAreExact() throws {
        #expect(try isMultiple("9223372036854775806", of: "2"))
        #expect(try !isMultiple("9223372036854775807", of: "2"))
        #expect(try !isMultiple("-9223372036854775807", of: "3"))
        #expect(try isMultiple("-9223372036854775808", of: "2"))
        #expect(try !isMultiple("1e308", of: "0.123456789"))
    }

    @Test func violationIsWorded() throws {
        let found = try Support.violations(["multipleOf": 0.01], try JSONValue(parsing: "12345678.901"))
        #expect(found.lines == ["$: 12345678.901 is not a multiple of 0.01"])
    }
}
