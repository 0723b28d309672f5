import ManifoldFFI
import ManifoldJSON
import Testing

@Suite("Signature parser")
struct SignatureParserTests {
    @Test func parsesNamedParameters() throws {
        let signature = try CSignature(parsing: "double(double x, double y)")
        #expect(signature.returnType == .double)
        #expect(signature.parameters.map(\.name) == ["x", "y"])
        #expect(signature.parameters.map(\.type) == [.double, .double])
        #expect(signature.hasNamedParameters)
        #expect(signature.functionName == nil)
        #expect(signature.description == "double(double x, double y)")
    }

    @Test func parsesEmptyParameterLists() throws {
        for text in ["void()", "int32(void)", "  void ( void ) ", "int64 counter(void);"] {
            let signature = try CSignature(parsing: text)
            #expect(signature.parameters.isEmpty, "\(text)")
        }
        #expect(try CSignature(parsing: "void()").returnType == .void)
        #expect(try CSignature(parsing: "int64 counter(void);").functionName == "counter")
    }

    @Test func parsesUnnamedParameters() throws {
        let signature = try CSignature(parsing: "double(double, float)")
        #expect(signature.parameters.map(\.name) == [nil, nil])
        #expect(!signature.hasNamedParameters)
        #expect(signature.description == "double(double, float)")
    }

    @Test func mapsCSpellings() throws {
        let signature = try CSignature(parsing: """
            unsigned long long f(const char *s, char *m, unsigned char a, signed char b, char c, short d,
                unsigned short int e, int g, unsigned h, long long i, size_t j, void *k, const void* l,
                int8_t n, uint32_t o, bool p, _Bool q, string r, ptr t, ssize_t u, long int v)
            """)
        #expect(signature.returnType == .uint64)
        #expect(signature.functionName == "f")
        let expected: [CType] = [
            .string, .string, .uint8, .int8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .pointer,
            .pointer, .int8, .uint32, .bool, .bool, .string, .pointer, .int64, .int64,
        ]
        #expect(signature.parameters.map(\.type) == expected)
        #expect(signature.parameters.map { $0.name ?? "" }.joined() == "smabcdeghijklnopqrtuv")
    }

    @Test func stringReturnType() throws {
        #expect(try CSignature(parsing: "const char*(const char* name)").returnType == .string)
        #expect(try CSignature(parsing: "char *greet(char * const name)").returnType == .string)
    }

    @Test func argumentsSchemaDescribesParameters() throws {
        let schema = try CSignature(parsing: "int32(uint8 a, string s, bool b, double d, uint64 u)").argumentsSchema
        #expect(schema["type"] == "object")
        #expect(schema["required"] == ["a", "s", "b", "d", "u"])
        #expect(schema["properties"]?["a"] == ["type": "integer", "minimum": 0, "maximum": 255])
        #expect(schema["properties"]?["s"] == ["type": "string"])
        #expect(schema["properties"]?["b"] == ["type": "boolean"])
        #expect(schema["properties"]?["d"] == ["type": "number"])
        #expect(schema["properties"]?["u"] == ["type": "integer", "minimum": 0])
        let positional = try CSignature(parsing: "int32(int8, float)").argumentsSchema
        #expect(positional["type"] == "array")
        #expect(positional["minItems"] == 2)
        #expect(positional["prefixItems"]?.arrayValue?.count == 2)
    }

    // MARK: Errors

    @Test func unknownType() {
        let error = expectFailure(
            containing: "signature \"double(doble x)\": unknown type 'doble' at column 8; known types: void, bool, int8"
        ) { () throws(ForeignCallError) in try CSignature(parsing: "double(doble x)") }
        guard case .invalidSignature(_, let column, _, _)? = error else {
            Issue.record("wrong error \(String(describing: error))")
            return
        }
        #expect(column == 8)
        expectFailure(containing: "unknown type 'integer' at column 1") { () throws(ForeignCallError) in
            try CSignature(parsing: "integer(int x)")
        }
    }

    @Test func missingParentheses() {
        expectFailure(containing: "expected ',' or ')' after parameter 'x', found the end of the signature at column 16") {
            () throws(ForeignCallError) in try CSignature(parsing: "double(double x")
        }
        expectFailure(containing: "expected '(' to start the parameter list, found the end of the signature at column 7") {
            () throws(ForeignCallError) in try CSignature(parsing: "double")
        }
        expectFailure(containing: "expected '(' to start the parameter list, found 'double' at column 12") {
            () throws(ForeignCallError) in try CSignature(parsing: "double pow double x)")
        }
        expectFailure(containing: "expected the type of parameter #1, found the end of the signature at column 8") {
            () throws(ForeignCallError) in try CSignature(parsing: "double(")
        }
    }

    @Test func voidParameterWithName() {
        expectFailure(containing: "parameter 'x' has type 'void' at column 5; void is only allowed as the return type") {
            () throws(ForeignCallError) in try CSignature(parsing: "int(void x)")
        }
        expectFailure(containing: "parameter #2 has type 'void' at column 13") { () throws(ForeignCallError) in
            try CSignature(parsing: "int(double, void)")
        }
    }

    @Test func trailingJunk() {
        expectFailure(containing: "unexpected 'extra' after the parameter list at column 12; nothing may follow ')'") {
            () throws(ForeignCallError) in try CSignature(parsing: "int(int x) extra")
        }
        expectFailure(containing: "unexpected character '@' at column 10") { () throws(ForeignCallError) in
            try CSignature(parsing: "int(int x@)")
        }
    }

    @Test func unsupportedConstructs() {
        expectFailure(containing: "unsupported pointer type 'int*' at column 5", "'const char*'") {
            () throws(ForeignCallError) in try CSignature(parsing: "int(int* values)")
        }
        expectFailure(containing: "unsupported pointer type 'const char **' at column 5") { () throws(ForeignCallError) in
            try CSignature(parsing: "int(const char **argv)")
        }
        expectFailure(containing: "variadic functions ('...') are not supported at column 25") {
            () throws(ForeignCallError) in try CSignature(parsing: "int(const char* format, ...)")
        }
        expectFailure(containing: "return type 'void*' (an opaque pointer) is not supported at column 1") {
            () throws(ForeignCallError) in try CSignature(parsing: "void*(size_t size)")
        }
        expectFailure(containing: "invalid type 'short long' at column 1") { () throws(ForeignCallError) in
            try CSignature(parsing: "short long(int x)")
        }
        expectFailure(containing: "empty signature") { () throws(ForeignCallError) in try CSignature(parsing: "  ") }
    }

    @Test func parameterNames() {
        expectFailure(containing: "duplicate parameter name 'x' (also parameter #1) at column 25") {
            () throws(ForeignCallError) in try CSignature(parsing: "double(double x, double x)")
        }
        expectFailure(containing: "parameter #1 ('x') has a name but parameter #2 does not at column 18; name every parameter or none") {
            () throws(ForeignCallError) in try CSignature(parsing: "double(double x, double)")
        }
        expectFailure(containing: "'int' is a C keyword and cannot be the name of parameter #1 at column 12") {
            () throws(ForeignCallError) in try CSignature(parsing: "int(double int)")
        }
    }
}
