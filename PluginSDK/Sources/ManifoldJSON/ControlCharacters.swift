/// Makes text from outside (a server's error message, a payload quoted in an error) safe to
/// print on a terminal.
///
/// A terminal obeys the control characters in what it prints: an OSC sequence
/// (`ESC ] 0 ; … BEL`) retitles the window, `ESC [ 2 J` clears the screen, others rewrite
/// what was printed before. Every C0 control character but line feed and tab, DEL, and every
/// C1 control character is therefore shown as `\xHH` (carriage return as `\r`), so the
/// message reads the same and the terminal does nothing.
public enum ControlCharacters {
    /// `text` with its control characters escaped; text without any comes back unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscaping(scalar) else {
                result.append(scalar)
                continue
            }
            let escape = scalar == "\r" ? "\\r" : "\\x" + hex(scalar.value)
            result.append(contentsOf: escape.unicodeScalars)
        }
        return String(result)
    }

    /// C0 but `\n` and `\t`, DEL, and C1 (U+0080 to U+009F).
    public static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }
}
