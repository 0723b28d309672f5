import CFFI
import ManifoldJSON

/// A C function bound to a symbol in a shared library, callable with JSON arguments.
///
/// The libffi call interface (`ffi_cif`) is prepared once, at bind time. Each call converts
/// its arguments into storage of its own, so one instance may be called from many threads
/// or tasks at once; whether that is safe for the C function itself is up to the function.
///
/// `call(_:on:)` runs the C function on a thread of a `ForeignCallPool` and suspends the
/// async caller meanwhile: use it from async code, since a C function may block for as long
/// as it likes. `call(_:)` runs it on the calling thread and blocks that thread for the
/// duration of the C call: only for threads of your own.
///
/// ```swift
/// let pow = try ForeignFunction(library: "libm.so.6", symbol: "pow", signature: "double(double x, double y)")
/// let result = try await pow.call(["x": 2, "y": 10], on: pool)   // .number(1024)
/// ```
public final class ForeignFunction: Sendable, CustomStringConvertible {
    /// The tool name used in error messages (defaults to the symbol).
    public let name: String
    /// The symbol the function was bound to.
    public let symbol: String
    /// The library the symbol was found in.
    public let library: ForeignLibrary
    /// The function's signature.
    public let signature: CSignature

    private let converter: ArgumentConverter
    /// The function's address; its library is never closed.
    private nonisolated(unsafe) let address: UnsafeMutableRawPointer
    /// Prepared once in `init` and only read afterwards (`ffi_call` does not modify it).
    private nonisolated(unsafe) let cif: UnsafeMutablePointer<ffi_cif>
    /// The parameter types `cif` points to; must live as long as `cif`.
    private nonisolated(unsafe) let argumentTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>

    /// Binds `symbol` at `address` in `library`; see `ForeignLibrary.function(symbol:signature:name:)`.
    init(
        library: ForeignLibrary, symbol: String, address: UnsafeMutableRawPointer, signature: CSignature, name: String
    ) throws(ForeignCallError) {
        let parameterTypes = signature.parameters.map(\.type)
        let cif = UnsafeMutablePointer<ffi_cif>.allocate(capacity: 1)
        let argumentTypes = UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>.allocate(capacity: max(parameterTypes.count, 1))
        for (index, type) in parameterTypes.enumerated() {
            argumentTypes[index] = type.ffiType
        }
        let status = mf_ffi_prep_cif(cif, UInt32(parameterTypes.count), signature.returnType.ffiType, argumentTypes)
        guard status == FFI_OK else {
            cif.deallocate()
            argumentTypes.deallocate()
            throw .preparationFailed(function: name, signature: signature.description, status: Self.describe(status))
        }
        self.name = name
        self.symbol = symbol
        self.library = library
        self.signature = signature
        self.address = address
        self.cif = cif
        self.argumentTypes = argumentTypes
        self.converter = ArgumentConverter(function: name, signature: signature)
    }

    /// Parses `signature`, opens `library` (cached) and binds `symbol`.
    ///
    /// - Parameters:
    ///   - library: an absolute path or a name the dynamic loader finds, e.g. `libm.so.6`.
    ///   - symbol: the exported C symbol, e.g. `pow`.
    ///   - signature: a C-like signature, e.g. `double(double x, double y)`; see `CSignature`.
    ///   - name: the tool name used in error messages; defaults to `symbol`.
    /// - Throws: `ForeignCallError.invalidSignature`, `.libraryUnavailable`, `.symbolNotFound`
    ///   or `.preparationFailed`, checked in that order.
    public convenience init(
        library: String, symbol: String, signature: String, name: String? = nil
    ) throws(ForeignCallError) {
        let parsed = try CSignature(parsing: signature)
        let opened = try ForeignLibrary.open(library)
        let address = try opened.address(of: symbol)
        try self.init(library: opened, symbol: symbol, address: address, signature: parsed, name: name ?? symbol)
    }

    deinit {
        cif.deallocate()
        argumentTypes.deallocate()
    }

    /// The function as shown in messages, e.g. `pow: double(double x, double y) from libm.so.6`.
    public var description: String {
        "\(name): \(signature) from \(library.path)"
    }

    /// Calls the function.
    ///
    /// - Parameter arguments: a JSON object mapping every parameter name to its value, a
    ///   JSON array of values in parameter order, or `null` for a function without
    ///   parameters. Conversion is strict; see `CType` for what each type accepts.
    /// - Returns: the result as JSON: `.null` for `void` and for a NULL string, `.integer`,
    ///   `.number`, `.bool` or `.string` otherwise.
    /// - Throws: an argument error (`.wrongArgumentCount`, `.missingArgument`,
    ///   `.unknownArguments`, `.wrongArgumentType`, `.argumentOutOfRange`, …) before the C
    ///   function runs, or `.unrepresentableResult` after it ran.
    public func call(_ arguments: JSONValue) throws(ForeignCallError) -> JSONValue {
        let values = try converter.convert(arguments)
        return try invoke(values).get()
    }

    /// Calls the function on one of `pool`'s threads, suspending the caller (never blocking a
    /// thread of the Swift concurrency pool) until it returns.
    ///
    /// The arguments are converted on the calling task, so a bad argument fails at once
    /// without taking a thread.
    ///
    /// - Throws: the errors of `call(_:)`; `ForeignCallError.callRefused` when the pool has no
    ///   room for the call; `CancellationError` when the calling task is cancelled before the
    ///   function returned (a function already running runs on to its end; its value is dropped).
    public func call(_ arguments: JSONValue, on pool: ForeignCallPool) async throws -> JSONValue {
        let values = try converter.convert(arguments)
        let result: Result<JSONValue, ForeignCallError>
        do {
            result = try await pool.run { [self] in invoke(values) }
        } catch let refusal as ForeignCallPool.Refusal {
            throw ForeignCallError.callRefused(function: name, reason: refusal.description)
        }
        return try result.get()
    }

    /// Calls the function with positional arguments; the same as `call(.array(arguments))`.
    public func call(positional arguments: [JSONValue]) throws(ForeignCallError) -> JSONValue {
        try call(.array(arguments))
    }

    // MARK: Invocation

    /// Bytes per argument slot: every supported C type fits in 8 bytes.
    private static let slotSize = 8

    private func invoke(_ values: [CArgument]) -> Result<JSONValue, ForeignCallError> {
        let count = max(values.count, 1)
        return withUnsafeTemporaryAllocation(byteCount: count * Self.slotSize, alignment: 16) { slots in
            withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: count) { argumentPointers in
                var strings: [UnsafeMutablePointer<CChar>] = []
                defer { strings.forEach { $0.deallocate() } }
                for (index, value) in values.enumerated() {
                    let slot = slots.baseAddress! + index * Self.slotSize
                    value.store(at: slot, keepingStringsIn: &strings)
                    argumentPointers[index] = slot
                }
                return withUnsafeTemporaryAllocation(byteCount: ResultConversion.bufferSize, alignment: 16) { result in
                    result.initializeMemory(as: UInt8.self, repeating: 0)
                    mf_ffi_call(cif, address, result.baseAddress, argumentPointers.baseAddress)
                    return ResultConversion.convert(UnsafeRawPointer(result.baseAddress!), type: signature.returnType, function: name)
                }
            }
        }
    }

    private static func describe(_ status: ffi_status) -> String {
        switch status {
        case FFI_BAD_TYPEDEF: return "FFI_BAD_TYPEDEF"
        case FFI_BAD_ABI: return "FFI_BAD_ABI"
        default: return "ffi_status \(status.rawValue)"
        }
    }
}
