/// Exact `multipleOf` for the numbers JSON Schema compares.
///
/// A number is taken as the decimal it was written as: a `.number` as the shortest decimal
/// that reads back as the same double (Swift's `description`, which gives back the literal
/// of any number written with up to 15 significant digits), an `.integer` as itself. Then
/// `value / divisor` is checked to be a whole number in exact integer arithmetic, where a
/// relative tolerance on doubles would accept `12345678.901` as a multiple of `0.01`.
struct SchemaDecimal: Equatable {
    /// The value is `mantissa × 10^exponent` (sign ignored: multiples do not care), with no
    /// trailing zeros in `mantissa` unless it is 0.
    let mantissa: UInt64
    let exponent: Int

    init?(_ value: JSONValue) {
        switch value {
        case .integer(let integer):
            self.init(mantissa: integer.magnitude, exponent: 0)
        case .number(let number):
            guard number.isFinite else { return nil }
            self.init(text: number.description)
        default:
            return nil
        }
    }

    init(mantissa: UInt64, exponent: Int) {
        var mantissa = mantissa, exponent = exponent
        while mantissa != 0, mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        self.mantissa = mantissa
        self.exponent = mantissa == 0 ? 0 : exponent
    }

    /// Reads Swift's text of a double: `-12.5`, `1e-08`, `1.2345678901234567e+19`.
    init?(text: String) {
        var digits: UInt64 = 0
        var exponent = 0
        var seenPoint = false
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        var exponentText: Substring = ""
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentText = rest[rest.index(after: e)...]
            rest = rest[..<e]
        }
        for character in rest {
            if character == "." {
                seenPoint = true
                continue
            }
            guard let digit = character.wholeNumberValue else { return nil }
            let (times, overflow1) = digits.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            digits = sum
            if seenPoint { exponent -= 1 }
        }
        if !exponentText.isEmpty {
            guard let shift = Int(exponentText.hasPrefix("+") ? exponentText.dropFirst() : exponentText) else { return nil }
            exponent += shift
        }
        self.init(mantissa: digits, exponent: exponent)
    }

    /// Whether `self` is a whole multiple of `divisor` (which must not be 0).
    func isMultiple(of divisor: SchemaDecimal) -> Bool {
        guard mantissa != 0 else { return true }
        guard divisor.mantissa != 0 else { return false }
        // self / divisor = (m / d) × 10^(e - f). With trailing zeros stripped, m has no
        // factor 10, so when e < f the quotient is whole only if d·10^(f−e) divides m, which
        // needs 10 | m: never.
        guard exponent >= divisor.exponent else { return false }
        // Whole iff d divides m × 10^(e − f): reduce modulo d step by step.
        var remainder = mantissa % divisor.mantissa
        var steps = exponent - divisor.exponent
        while steps > 0, remainder != 0 {
            let wide = remainder.multipliedFullWidth(by: 10)
            remainder = divisor.mantissa.dividingFullWidth(wide).remainder
            steps -= 1
        }
        return remainder == 0
    }
}
