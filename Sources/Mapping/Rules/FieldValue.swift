import Foundation

/// A converted value, typed by the rule's `type`.
public enum FieldValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case decimal(Decimal)
    case boolean(Bool)

    /// The value as text, as written to a file or compared in conditions.
    public var text: String {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .decimal(let d): d.plainText
        case .boolean(let b): b ? "true" : "false"
        }
    }

    public var description: String { text }
}

extension Decimal {
    /// Plain notation without exponent.
    var plainText: String { plainTextFast ?? NSDecimalNumber(decimal: self).stringValue }

    /// Parses plain decimal text (`-12.50`, `3`, `.5`) exactly; `nil` for anything else.
    init?(plain text: String) {
        let (fast, general) = Decimal.parseASCII(text)
        if !general {
            guard let fast, !text.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
            self = fast
            return
        }
        let scalars = text.unicodeScalars
        guard !scalars.isEmpty else { return nil }
        var sawDigit = false
        var sawDot = false
        for (i, c) in scalars.enumerated() {
            switch c {
            case "0"..."9": sawDigit = true
            case ".":
                if sawDot { return nil }
                sawDot = true
            case "-", "+": if i != 0 { return nil }
            default: return nil
            }
        }
        guard sawDigit, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        self = value
    }
}
