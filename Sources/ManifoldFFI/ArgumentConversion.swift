import ManifoldJSON

/// One argument converted to its C representation, ready to be stored for `ffi_call`.
enum CArgument: Sendable, Equatable {
    case bool(Bool)
    case int8(Int8), int16(Int16), int32(Int32), int64(Int64)
    case uint8(UInt8), uint16(UInt16), uint32(UInt32), uint64(UInt64)
    case float(Float), double(Double)
    /// A string checked to contain no NUL; copied to a C buffer at call time.
    case string(String)
    /// A NULL pointer.
    case null
}

/// Converts JSON call arguments into C arguments for one signature, strictly: no value is
/// coerced across JSON types (except exact integral numbers to integers and integers to
/// floating point) and nothing is truncated or wrapped.
struct ArgumentConverter: Sendable {
    /// The tool name, for messages.
    let function: String
    let signature: CSignature

    /// Matches `arguments` (a JSON object by name, a JSON array by position, or null for no
    /// arguments) to the parameters and converts each one.
    func convert(_ arguments: JSONValue) throws(ForeignCallError) -> [CArgument] {
        let values = try orderedValues(arguments)
        var converted: [CArgument] = []
        converted.reserveCapacity(values.count)
        for (index, (parameter, value)) in zip(signature.parameters, values).enumerated() {
            converted.append(try convert(value, to: parameter.type, label: parameter.name ?? "#\(index + 1)"))
        }
        return converted
    }

    // MARK: Matching

    /// The argument values in parameter order.
    private func orderedValues(_ arguments: JSONValue) throws(ForeignCallError) -> [JSONValue] {
        let parameters = signature.parameters
        let values: [JSONValue]
        switch arguments {
        case .null:
            values = []
        case .array(let array):
            values = array
        case .object(let object):
            let names = parameters.compactMap(\.name)
            let unknown = object.keys.filter { !names.contains($0) }.sorted()
            if !parameters.isEmpty, names.isEmpty, !object.isEmpty {
                throw .unnamedParameters(function: function, signature: signature.description)
            }
            if !unknown.isEmpty {
                throw .unknownArguments(function: function, names: unknown, expected: parameters.map(\.description))
            }
            if !parameters.isEmpty, names.isEmpty {
                // `{}` for a function with unnamed parameters: report the count.
                throw .wrongArgumentCount(
                    function: function, signature: signature.description, expected: parameters.count, received: 0
                )
            }
            var ordered: [JSONValue] = []
            for parameter in parameters {
                let name = parameter.name ?? ""
                guard let value = object[name] else {
                    throw .missingArgument(function: function, parameter: name, type: parameter.type)
                }
                ordered.append(value)
            }
            values = ordered
        default:
            throw .argumentsNotObjectOrArray(function: function, received: Self.preview(arguments))
        }
        guard values.count == parameters.count else {
            throw .wrongArgumentCount(
                function: function, signature: signature.description, expected: parameters.count, received: values.count
            )
        }
        return values
    }

    // MARK: Values

    private func convert(_ value: JSONValue, to type: CType, label: String) throws(ForeignCallError) -> CArgument {
        switch type {
        case .bool:
            guard case .bool(let bool) = value else { throw wrongType(value, type, label) }
            return .bool(bool)
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            return try integer(value, type, label)
        case .float:
            guard let double = value.doubleValue else { throw wrongType(value, type, label) }
            let float = Float(double)
            if float.isInfinite, double.isFinite {
                throw .argumentOutOfRange(function: function, parameter: label, type: type, value: Self.format(double))
            }
            return .float(float)
        case .double:
            guard let double = value.doubleValue else { throw wrongType(value, type, label) }
            return .double(double)
        case .string:
            guard case .string(let string) = value else { throw wrongType(value, type, label) }
            if let nul = string.utf8.firstIndex(of: 0) {
                let offset = string.utf8.distance(from: string.utf8.startIndex, to: nul)
                throw .stringContainsNul(function: function, parameter: label, offset: offset)
            }
            return .string(string)
        case .pointer:
            guard case .null = value else { throw wrongType(value, type, label) }
            return .null
        case .void:
            // The parser never produces void parameters.
            throw wrongType(value, type, label)
        }
    }

    /// An integer argument, range-checked exactly (no rounding through smaller types).
    private func integer(_ value: JSONValue, _ type: CType, _ label: String) throws(ForeignCallError) -> CArgument {
        // The exact value, as a negative Int64 or a non-negative UInt64 so that the whole of
        // both int64 and uint64 is representable.
        let negative: Int64?
        let nonNegative: UInt64?
        switch value {
        case .integer(let integer):
            negative = integer < 0 ? integer : nil
            nonNegative = integer < 0 ? nil : UInt64(integer)
        case .number(let number):
            guard number.isFinite else {
                throw .argumentOutOfRange(function: function, parameter: label, type: type, value: Self.format(number))
            }
            guard number.rounded(.towardZero) == number else {
                throw .nonIntegralArgument(function: function, parameter: label, type: type, value: Self.format(number))
            }
            if number < 0 {
                guard let exact = Int64(exactly: number) else {
                    throw .argumentOutOfRange(function: function, parameter: label, type: type, value: Self.format(number))
                }
                (negative, nonNegative) = (exact, nil)
            } else {
                guard let exact = UInt64(exactly: number) else {
                    throw .argumentOutOfRange(function: function, parameter: label, type: type, value: Self.format(number))
                }
                (negative, nonNegative) = (nil, exact)
            }
        default:
            throw wrongType(value, type, label)
        }
        guard let bounds = type.integerBounds else { throw wrongType(value, type, label) }
        if let negative, negative < bounds.min {
            throw .argumentOutOfRange(function: function, parameter: label, type: type, value: String(negative))
        }
        if let nonNegative, nonNegative > bounds.max {
            throw .argumentOutOfRange(function: function, parameter: label, type: type, value: String(nonNegative))
        }
        // In range: every conversion below is exact.
        let signed = negative ?? Int64(truncatingIfNeeded: nonNegative ?? 0)
        let unsigned = nonNegative ?? 0
        switch type {
        case .int8: return .int8(Int8(signed))
        case .int16: return .int16(Int16(signed))
        case .int32: return .int32(Int32(signed))
        case .int64: return .int64(signed)
        case .uint8: return .uint8(UInt8(unsigned))
        case .uint16: return .uint16(UInt16(unsigned))
        case .uint32: return .uint32(UInt32(unsigned))
        default: return .uint64(unsigned)
        }
    }

    private func wrongType(_ value: JSONValue, _ type: CType, _ label: String) -> ForeignCallError {
        .wrongArgumentType(function: function, parameter: label, type: type, received: Self.preview(value))
    }

    // MARK: Rendering

    /// A short rendering of a JSON value for messages, e.g. `string "abc"` or `an object`.
    static func preview(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return "boolean \(bool)"
        case .integer(let integer): return "integer \(integer)"
        case .number(let number): return "number \(format(number))"
        case .string(let string):
            let limit = 40
            let shown = string.count > limit ? String(string.prefix(limit)) + "…" : string
            return "string \(JSONValue.string(shown).jsonText)"
        case .array(let array): return "an array of \(array.count) element\(array.count == 1 ? "" : "s")"
        case .object: return "an object"
        }
    }

    /// A number as written in messages: integral values without a fractional part.
    static func format(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        if number.rounded(.towardZero) == number, let exact = Int64(exactly: number) { return String(exact) }
        return "\(number)"
    }
}
