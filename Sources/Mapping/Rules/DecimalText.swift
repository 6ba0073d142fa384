import Foundation

/// Fast, exact conversions between decimal text and `Decimal` for the conversion hot path.
///
/// Numbers in WMS exports are short (quantities, prices): up to 18 significant digits are handled
/// without Foundation's string machinery; anything longer or unusual takes the general path.
extension UnsafeBufferPointer<UInt8> {
    /// The indexes of the text without the spaces and tabs around it (empty for blank text).
    var withoutSpacesAndTabs: Range<Int> {
        var start = 0
        var end = count
        while start < end, self[start] == 0x20 || self[start] == 0x09 { start += 1 }
        while end > start, self[end - 1] == 0x20 || self[end - 1] == 0x09 { end -= 1 }
        return start..<end
    }
}

extension Decimal {
    /// Where the digits of a number are: spaces and tabs around trimmed, a sign in front (or a
    /// minus behind, as some ERPs write negatives) taken off; `nil` for blank text.
    static func signedRange(_ bytes: UnsafeBufferPointer<UInt8>) -> (start: Int, end: Int, negative: Bool)? {
        let trimmed = bytes.withoutSpacesAndTabs
        guard !trimmed.isEmpty else { return nil }
        var (start, end) = (trimmed.lowerBound, trimmed.upperBound)
        var negative = false
        if bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "+") {
            negative = bytes[start] == UInt8(ascii: "-")
            start += 1
        } else if end - start > 1, bytes[end - 1] == UInt8(ascii: "-") {
            negative = true
            end -= 1
        }
        return (start, end, negative)
    }

    /// Parses `[+-]digits[.digits]` (optionally `digits-` for a trailing minus) with the given
    /// ASCII separators, trimming spaces and tabs. `nil` when the text is not such a number or
    /// needs the general path (non-ASCII, more than 18 digits).
    static func parseASCII(_ text: String, decimal: UInt8 = UInt8(ascii: "."), thousands: UInt8? = nil) -> (value: Decimal?, general: Bool) {
        var text = text
        return text.withUTF8 { bytes -> (Decimal?, Bool) in
            guard let (start, end, negative) = signedRange(bytes) else { return (nil, false) }
            var significand: UInt64 = 0
            var digits = 0
            var fraction = 0
            var sawDot = false
            var grouping = ThousandsGrouping()
            for index in start..<end {
                let byte = bytes[index]
                if byte >= 0x30 && byte <= 0x39 {
                    if digits == 18 { return (nil, true) }
                    if significand > 0 || byte != 0x30 { digits += 1 }
                    significand = significand * 10 + UInt64(byte - 0x30)
                    if sawDot { fraction += 1 } else { grouping.digit() }
                } else if byte == decimal {
                    if sawDot || !grouping.end() { return (nil, false) }
                    sawDot = true
                } else if let thousands, byte == thousands, !sawDot {
                    guard grouping.separator() else { return (nil, false) }
                } else if byte >= 0x80 {
                    return (nil, true)
                } else {
                    return (nil, false)
                }
            }
            guard start < end, digits > 0 || significand == 0, sawDot || grouping.end(),
                (0..<end - start).contains(where: { bytes[start + $0] >= 0x30 && bytes[start + $0] <= 0x39 })
            else { return (nil, false) }
            if significand == 0 { return (Decimal(0), false) }
            return (Decimal(sign: negative ? .minus : .plus, exponent: -fraction, significand: Decimal(significand)), false)
        }
    }

    /// The value's sign, mantissa and exponent when the mantissa fits 64 bits, read from the
    /// `NSDecimal` memory layout (exponent byte, length and sign bits, then 8 × 16-bit mantissa)
    /// — used only after ``layout`` confirmed that layout on this platform.
    private var small: (negative: Bool, mantissa: UInt64, exponent: Int)? {
        guard let layout = Self.layout else { return nil }
        return Self.decode(self, layout)
    }

    /// Where the length and sign bits sit in the byte after the exponent: Darwin's C bitfields
    /// (length in the low nibble, sign in bit 4) or swift-foundation's (length in the high nibble,
    /// sign in bit 3). Found once by decoding known values; `nil` means "use the general path".
    private enum Layout { case lowNibble, highNibble }

    private static func decode(_ value: Decimal, _ layout: Layout) -> (negative: Bool, mantissa: UInt64, exponent: Int)? {
        withUnsafeBytes(of: value) { raw -> (Bool, UInt64, Int)? in
            guard raw.count >= 20 else { return nil }
            let exponent = Int(Int8(bitPattern: raw[0]))
            let length: Int
            let negative: Bool
            switch layout {
            case .lowNibble: (length, negative) = (Int(raw[1] & 0x0F), raw[1] & 0x10 != 0)
            case .highNibble: (length, negative) = (Int(raw[1] >> 4), raw[1] & 0x08 != 0)
            }
            guard length <= 4 else { return nil }
            var mantissa: UInt64 = 0
            for index in 0..<length {
                mantissa |= UInt64(UInt16(raw[4 + 2 * index]) | UInt16(raw[5 + 2 * index]) << 8) << (16 * UInt64(index))
            }
            return (negative, mantissa, exponent)
        }
    }

    private static let layout: Layout? = {
        let samples: [(Decimal, Bool, UInt64, Int)] = [
            (Decimal(sign: .minus, exponent: -2, significand: Decimal(12_345)), true, 12_345, -2),
            (Decimal(sign: .plus, exponent: 3, significand: Decimal(7)), false, 7, 3),
            (Decimal(sign: .plus, exponent: 0, significand: Decimal(UInt64(1) << 40 + 3)), false, UInt64(1) << 40 + 3, 0),
            (Decimal(string: "-0.0625")!, true, 625, -4),
        ]
        return [Layout.highNibble, .lowNibble].first { layout in
            samples.allSatisfy { sample in
                guard let decoded = decode(sample.0, layout) else { return false }
                return decoded.negative == sample.1 && decoded.mantissa == sample.2 && decoded.exponent == sample.3
            }
        }
    }()

    /// Whether the fast printing is in use on this platform.
    static var fastTextAvailable: Bool { layout != nil }

    /// The value as an `Int` when it is a whole number of at most 18 digits (fast integer arithmetic).
    var exactInt: Int? {
        guard let (negative, mantissa, exponent) = small, exponent >= 0, exponent <= 18, mantissa < 1_000_000_000_000_000_000 else { return nil }
        var value = Int(mantissa)
        for _ in 0..<exponent {
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            value = scaled
        }
        return negative ? -value : value
    }

    /// Plain notation (`12.5`, `-3`, `0.05`), as `NSDecimalNumber.stringValue` writes it.
    var plainTextFast: String? {
        guard !isNaN, let (negative, mantissa, exponent) = small else { return nil }
        if mantissa == 0 { return "0" }
        var digits = String(mantissa)
        if exponent > 0 {
            guard exponent <= 20 else { return nil }
            digits += String(repeating: "0", count: exponent)
        } else if exponent < 0 {
            let places = -exponent
            if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
            while digits.last == "0" { digits.removeLast() }
            if digits.last == "." { digits.removeLast() }
        }
        return negative ? "-" + digits : digits
    }
}

extension String {
    /// `trimmingCharacters(in: .whitespaces)` (or `.whitespacesAndNewlines`), without the cost when
    /// there is nothing to trim — the usual case — which takes a look at the first and last byte.
    func trimmed(newlines: Bool = false) -> String {
        func plain(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 && !(newlines && byte >= 0x0A && byte <= 0x0D) }
        var text = self
        let untouched = text.withUTF8 { bytes in bytes.isEmpty || (plain(bytes[0]) && plain(bytes[bytes.count - 1])) }
        if untouched { return self }
        return trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
