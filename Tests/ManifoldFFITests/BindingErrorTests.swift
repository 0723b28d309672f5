import ManifoldFFI
import ManifoldJSON
import Testing

@Suite("Library and symbol binding errors")
struct BindingErrorTests {
    @Test func unknownLibrary() {
        let error = expectFailure(
            containing: "cannot open library 'libmanifold-does-not-exist.so': ",
            "libmanifold-does-not-exist.so: cannot open shared object file",  // dlerror() text
            "give an absolute path"
        ) { () throws(ForeignCallError) in
            try ForeignFunction(library: "libmanifold-does-not-exist.so", symbol: "f", signature: "void()")
        }
        guard case .libraryUnavailable(let library, let loaderMessage)? = error else {
            Issue.record("wrong error \(String(describing: error))")
            return
        }
        #expect(library == "libmanifold-does-not-exist.so")
        #expect(!loaderMessage.isEmpty)
        expectFailure(containing: "cannot open library '': the library path is empty") { () throws(ForeignCallError) in
            try ForeignLibrary.open("")
        }
    }

    @Test func fileThatIsNotALibrary() {
        expectFailure(containing: "cannot open library '/etc/hostname': ", "/etc/hostname") { () throws(ForeignCallError) in
            try ForeignLibrary.open("/etc/hostname")
        }
    }

    @Test func unknownSymbol() {
        let error = expectFailure(
            containing: "symbol 'pwo' not found in \(TestLibraries.libm): ",
            "undefined symbol: pwo",  // dlerror() text
            "check the symbol name (nm -D \(TestLibraries.libm)"
        ) { () throws(ForeignCallError) in
            try ForeignFunction(library: TestLibraries.libm, symbol: "pwo", signature: "double(double x, double y)")
        }
        guard case .symbolNotFound(let symbol, let library, _)? = error else {
            Issue.record("wrong error \(String(describing: error))")
            return
        }
        #expect(symbol == "pwo")
        #expect(library == TestLibraries.libm)
    }

    @Test func signatureIsCheckedBeforeTheLibrary() {
        expectFailure(containing: "signature \"double(doble x)\": unknown type 'doble' at column 8") {
            () throws(ForeignCallError) in
            try ForeignFunction(library: "libmanifold-does-not-exist.so", symbol: "pow", signature: "double(doble x)")
        }
    }
}
