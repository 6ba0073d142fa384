import Foundation

/// A number read from a field or computed by an expression: a whole number while it fits an
/// `Int`, an exact `Decimal` otherwise. Stock quantities are whole, so most rows never touch
/// `Decimal` arithmetic.
enum ExactNumber: Sendable, Equatable {
    case whole(Int)
    case decimal(Decimal)

    init(_ decimal: Decimal) {
        self = decimal.exactInt.map(ExactNumber.whole) ?? .decimal(decimal)
    }

    /// Reads a number written in `number`'s format, as ``FieldRule/parseNumber(_:number:)`` does;
    /// `nil` when the text is not a number.
    init?(_ text: String, number: FieldRule.NumberFormat?) {
        if let whole = Self.parseWhole(text, thousands: number?.bytes.thousands) {
            self = .whole(whole)
        } else if let decimal = FieldRule.parseNumber(text, number: number) {
            self = .decimal(decimal)
        } else {
            return nil
        }
    }

    var decimal: Decimal {
        switch self {
        case .whole(let int): Decimal(int)
        case .decimal(let decimal): decimal
        }
    }

    var plainText: String {
        switch self {
        case .whole(let int): String(int)
        case .decimal(let decimal): decimal.plainText
        }
    }

    static prefix func - (number: ExactNumber) -> ExactNumber {
        if case .whole(let int) = number, int != .min { return .whole(-int) }
        return .decimal(-number.decimal)
    }

    /// The arithmetic of expressions.
    enum Operator: Sendable, Equatable {
        case add, subtract, multiply, divide
    }

    /// `a op b`; whole numbers stay whole unless the result overflows or it is a division.
    /// - Returns: `nil` for a division by zero.
    static func apply(_ op: Operator, _ a: ExactNumber, _ b: ExactNumber) -> ExactNumber? {
        if op != .divide, case .whole(let i) = a, case .whole(let j) = b {
            let (result, overflow) =
                switch op {
                case .add: i.addingReportingOverflow(j)
                case .subtract: i.subtractingReportingOverflow(j)
                default: i.multipliedReportingOverflow(by: j)
                }
            if !overflow { return .whole(result) }
        }
        let (x, y) = (a.decimal, b.decimal)
        switch op {
        case .add: return .decimal(x + y)
        case .subtract: return .decimal(x - y)
        case .multiply: return .decimal(x * y)
        case .divide: return y == 0 ? nil : .decimal(x / y)
        }
    }

    /// Whole numbers of up to 18 digits: spaces and tabs around, a sign in front (or a minus
    /// behind, as some ERPs write negatives), thousands separators where they belong
    /// (``ThousandsGrouping``); anything else is `nil` and left to the general parser.
    static func parseWhole(_ text: String, thousands: UInt8?) -> Int? {
        var text = text
        return text.withUTF8 { parseWhole($0, thousands: thousands) }
    }

    /// ``parseWhole(_:thousands:)`` on UTF-8 bytes.
    static func parseWhole(_ bytes: UnsafeBufferPointer<UInt8>, thousands: UInt8?) -> Int? {
        guard let (start, end, negative) = Decimal.signedRange(bytes) else { return nil }
        var value = 0
        var digits = 0
        var grouping = ThousandsGrouping()
        for index in start..<end {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                guard digits < 18 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                grouping.digit()
            } else if let thousands, thousands != 0, byte == thousands {
                guard grouping.separator() else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, grouping.end() else { return nil }
        return negative ? -value : value
    }

    /// Whether the bytes are empty or only spaces and tabs.
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withoutSpacesAndTabs.isEmpty
    }
}
