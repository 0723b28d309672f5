/// Everything that can go wrong when declaring, binding or calling a foreign function.
///
/// `description` is a complete message for a person or a model: what went wrong, where
/// (signature column, library, tool and parameter) and how to fix it.
public enum ForeignCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The signature text could not be parsed; `column` is 1-based.
    case invalidSignature(signature: String, column: Int, problem: String, hint: String?)
    /// `dlopen` failed; `loaderMessage` is the text of `dlerror()`.
    case libraryUnavailable(library: String, loaderMessage: String)
    /// `dlsym` failed; `loaderMessage` is the text of `dlerror()`.
    case symbolNotFound(symbol: String, library: String, loaderMessage: String)
    /// libffi refused the signature (`ffi_prep_cif` returned `status`).
    case preparationFailed(function: String, signature: String, status: String)
    /// The arguments were neither a JSON object, a JSON array nor null.
    case argumentsNotObjectOrArray(function: String, received: String)
    /// A positional call passed the wrong number of arguments.
    case wrongArgumentCount(function: String, signature: String, expected: Int, received: Int)
    /// Arguments were passed as a JSON object but the signature names no parameters.
    case unnamedParameters(function: String, signature: String)
    /// A named call lacks the argument for `parameter`.
    case missingArgument(function: String, parameter: String, type: CType)
    /// A named call passes arguments that match no parameter.
    case unknownArguments(function: String, names: [String], expected: [String])
    /// An argument has the wrong JSON type for its parameter's C type.
    ///
    /// In this and the following cases, `parameter` is the parameter's name, or `#n` (1-based
    /// position) when the signature names no parameters; `received` and `value` are short
    /// renderings of the offending JSON value.
    case wrongArgumentType(function: String, parameter: String, type: CType, received: String)
    /// A number was passed for an integer parameter but has a fractional part.
    case nonIntegralArgument(function: String, parameter: String, type: CType, value: String)
    /// An integer argument lies outside the parameter type's range.
    case argumentOutOfRange(function: String, parameter: String, type: CType, value: String)
    /// A string argument contains a NUL character, which C would read as its end.
    case stringContainsNul(function: String, parameter: String, offset: Int)
    /// The function returned a value that JSON cannot represent exactly (a uint64 above
    /// Int64.max, or a non-finite float/double).
    case unrepresentableResult(function: String, type: CType, value: String)
    /// The `ForeignCallPool` did not take the call (every thread busy and the queue full, or
    /// shut down); the function did not run.
    case callRefused(function: String, reason: String)

    /// The full message.
    public var description: String {
        switch self {
        case .invalidSignature(let signature, let column, let problem, let hint):
            let base = "signature \"\(signature)\": \(problem) at column \(column)"
            return hint.map { "\(base); \($0)" } ?? base
        case .libraryUnavailable(let library, let loaderMessage):
            return "cannot open library '\(library)': \(loaderMessage); "
                + "give an absolute path, or a name the dynamic loader finds (\(Self.loaderSearchPathHint)), "
                + "and check that the file is a shared library built for this architecture"
        case .symbolNotFound(let symbol, let library, let loaderMessage):
            return "symbol '\(symbol)' not found in \(library): \(loaderMessage); "
                + "check the symbol name (nm -D \(library) lists the exported symbols) and that the function "
                + "is exported with C linkage (not static, extern \"C\" in C++)"
        case .preparationFailed(let function, let signature, let status):
            return "tool '\(function)': libffi cannot prepare a call for \(signature) (\(status)); "
                + "this platform does not support that signature"
        case .argumentsNotObjectOrArray(let function, let received):
            return "tool '\(function)': arguments must be a JSON object (by parameter name) or a JSON array "
                + "(by position); got \(received)"
        case .wrongArgumentCount(let function, let signature, let expected, let received):
            return "tool '\(function)' takes \(Self.count(expected, "argument")) (\(signature)); "
                + "got \(received)"
        case .unnamedParameters(let function, let signature):
            return "tool '\(function)': the signature \(signature) names no parameters, so arguments "
                + "must be a JSON array in parameter order; or add names to the signature"
        case .missingArgument(let function, let parameter, let type):
            return "tool '\(function)': missing argument '\(parameter)' (\(type)); every parameter is required"
        case .unknownArguments(let function, let names, let expected):
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            let known = expected.isEmpty ? "it takes no arguments" : "its parameters are " + expected.joined(separator: ", ")
            return "tool '\(function)': unknown argument\(names.count == 1 ? "" : "s") \(list); \(known)"
        case .wrongArgumentType(let function, let parameter, let type, let received):
            return "tool '\(function)': \(Self.label(parameter)) (\(type)) expects \(type.expectation); got \(received)"
        case .nonIntegralArgument(let function, let parameter, let type, let value):
            return "tool '\(function)': \(Self.label(parameter)) (\(type)) expects an integer; got \(value), "
                + "which has a fractional part"
        case .argumentOutOfRange(let function, let parameter, let type, let value):
            let unsignedNote = type.isUnsignedInteger && value.hasPrefix("-") ? " (an unsigned type takes no negative values)" : ""
            return "tool '\(function)': \(Self.label(parameter)) (\(type)) must be in \(type.rangeDescription); "
                + "got \(value)\(unsignedNote)"
        case .stringContainsNul(let function, let parameter, let offset):
            return "tool '\(function)': \(Self.label(parameter)) (string) contains a NUL character at UTF-8 offset \(offset); "
                + "C would cut the string there, so remove it"
        case .unrepresentableResult(let function, let type, let value):
            if type == .uint64 {
                return "tool '\(function)' returned \(value) (uint64), which is above the largest JSON integer "
                    + "\(Int64.max); declare the return type as int64 to receive it as a two's-complement value"
            }
            return "tool '\(function)' returned \(value) (\(type)), which JSON cannot represent"
        case .callRefused(let function, let reason):
            return "tool '\(function)' was not run: \(reason); try again once earlier calls have finished"
        }
    }

    /// `parameter 'x'` for a named parameter, `argument #2` for a position (`"#2"`).
    private static func label(_ parameter: String) -> String {
        parameter.hasPrefix("#") ? "argument \(parameter)" : "parameter '\(parameter)'"
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }

    #if canImport(Darwin)
    private static let loaderSearchPathHint = "DYLD_LIBRARY_PATH, @rpath"
    #else
    private static let loaderSearchPathHint = "LD_LIBRARY_PATH, ldconfig"
    #endif
}
