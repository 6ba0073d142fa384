import Foundation

/// One compiled rule: how a target field (or output column) gets its value from a row.
///
/// Steps run in a fixed order: `when` → source (`from`/`column`/`const`/`concat`/`expr`) → `trim`
/// → `default` → `replace` → `case` → `split` → `pad` → `lookup` → `number` → `date` → `type`
/// → `truncate` → `clamp` → checks (`required`, `pattern`, `min`, `max`).
public struct FieldRule: Sendable {
    public enum ValueType: String, Sendable, CaseIterable { case string, integer, decimal, boolean, date }
    public enum Source: Sendable {
        case reference(SourceRef)
        /// `from: [a, b, …]`: the first of these that is not empty.
        case fallbacks([SourceRef])
        case constant(String)
        case template(Template)
        case expression(Expression)
    }
    public enum LetterCase: String, Sendable { case upper, lower }
    public enum OnMissing: String, Sendable { case reject, keep, `default` }

    struct Replacement: Sendable {
        var literal: (from: String, to: String)?
        var regex: (RegexBox, String)?
    }

    struct Split: Sendable {
        var separator: String
        var take: [Int]
        var join: String
        /// `parts: n`: a value with another number of parts is rejected (not silently cut).
        var parts: Int?
    }

    struct Pad: Sendable {
        var length: Int
        var with: Character
        var left: Bool
    }

    /// Bounds a number without rejecting it: `clamp: { min: 0 }` sends an oversold −3 as 0.
    /// (`min:`/`max:` reject a value outside them instead.)
    struct Clamp: Sendable {
        var min: Decimal?
        var max: Decimal?

        /// A whole number between whole bounds, without decimal arithmetic; `nil` when a bound is not whole.
        func apply(whole number: Int) -> Int? {
            var result = number
            if let min {
                guard let low = min.exactInt else { return nil }
                result = Swift.max(result, low)
            }
            if let max {
                guard let high = max.exactInt else { return nil }
                result = Swift.min(result, high)
            }
            return result
        }

        func apply(_ number: Decimal) -> Decimal {
            if let min, number < min { return min }
            if let max, number > max { return max }
            return number
        }
    }

    struct DateRule: Sendable {
        var inputs: [DatePattern]
        var output: DatePattern
        var timeZone: TimeZone?
    }

    struct NumberFormat: Sendable {
        var decimalSeparator: Character = "." { didSet { bytes.decimal = decimalSeparator.asciiValue ?? UInt8(ascii: ".") } }
        var thousandsSeparator: Character? { didSet { bytes.thousands = thousandsSeparator.map { $0.asciiValue ?? 0 } } }
        /// The separators as bytes, for the byte-level parser (0: a separator that is not ASCII).
        private(set) var bytes: (decimal: UInt8, thousands: UInt8?) = (UInt8(ascii: "."), nil)
        var decimals: Int?
        var outputDecimalSeparator: Character = "."
    }

    /// The target field or column name.
    public let target: String
    /// Where the rule is in the mapping file (for messages).
    public let line: Int?
    var source: Source?
    var defaultValue: String?
    var required = false
    /// `required:` was written in the mapping (`required: false` says an empty or absent source
    /// is expected: an XML path no record has, an empty lookup value).
    var requiredIsExplicit = false
    var type: ValueType = .string
    /// Whether the value is computed by `expr:` (whose `number:` reads the operands).
    var isExpression: Bool { if case .expression = source { true } else { false } }
    var min: Decimal?
    var max: Decimal?
    var pattern: RegexBox?
    var trim = true
    var letterCase: LetterCase?
    var replacements: [Replacement] = []
    var split: Split?
    var pad: Pad?
    var lookup: LookupTable?
    var onMissing: OnMissing = .reject
    var date: DateRule?
    var number: NumberFormat?
    var truncate: Int?
    var clamp: Clamp?
    var when: Condition?

    init(target: String, line: Int?) {
        self.target = target
        self.line = line
    }

    /// The same rule with every reference it reads replaced by `transform`'s answer.
    func mapReferences(_ transform: (SourceRef) -> SourceRef) -> FieldRule {
        var rule = self
        switch source {
        case .reference(let ref): rule.source = .reference(transform(ref))
        case .fallbacks(let list): rule.source = .fallbacks(list.map(transform))
        case .template(let template): rule.source = .template(template.mapReferences(transform))
        case .expression(let expression): rule.source = .expression(expression.mapReferences(transform))
        case .constant, nil: break
        }
        rule.when = when?.mapReferences(transform)
        return rule
    }

    /// Every source reference the rule reads (for checking against a file's header).
    var references: [SourceRef] {
        var refs: [SourceRef] = []
        switch source {
        case .reference(let ref): refs.append(ref)
        case .fallbacks(let list): refs += list
        case .template(let template): refs += template.references
        case .expression(let expression): refs += expression.references
        case .constant, nil: break
        }
        if let when { refs += when.references }
        return refs
    }

    /// The references that are one of several alternatives (`from: [a, b]`, `{a|b}`): any of
    /// them may be absent.
    var alternativeReferences: [SourceRef] {
        switch source {
        case .fallbacks(let list): list
        case .template(let template): template.alternativeReferences
        default: []
        }
    }

    /// Converts one row's value. `nil` means "no value" (the field is left out).
    ///
    /// (Compiles the rule for this one call; converters compile their rules once, see ``CompiledRule``.)
    public func evaluate(_ row: some RowSource, tally: LookupTally? = nil) -> Result<FieldValue?, RuleFailure> {
        CompiledRule(self).evaluate(row, tally: tally)
    }

    /// The value formatted for writing into a file (applies `number.decimals` and its separator).
    func formatted(_ value: FieldValue) -> String { Self.formatted(value, number: number) }

    /// `value` as text in a number format (`decimals`, output separator).
    static func formatted(_ value: FieldValue, number: NumberFormat?) -> String {
        guard case .decimal(let d) = value, let number else { return value.text }
        var text = number.decimals.map { d.fixed($0) } ?? d.plainText
        if number.outputDecimalSeparator != "." { text = text.replacingOccurrences(of: ".", with: String(number.outputDecimalSeparator)) }
        return text
    }

    func parseNumber(_ text: String) -> Decimal? { Self.parseNumber(text, number: number) }

    /// Reads a number written in `number`'s format (`1.234,5` with `decimal: ","`), or plain.
    static func parseNumber(_ text: String, number: NumberFormat?) -> Decimal? {
        let (decimal, thousands) = number?.bytes ?? (UInt8(ascii: "."), nil)
        if thousands != 0 {
            let (fast, general) = Decimal.parseASCII(text, decimal: decimal, thousands: thousands)
            if !general { return fast }
        }
        var cleaned = text.trimmed()
        if let number {
            if let thousands = number.thousandsSeparator {
                let whole = cleaned.prefix { $0 != number.decimalSeparator }.drop { $0 == "-" || $0 == "+" }
                guard ThousandsGrouping.check(whole.hasSuffix("-") ? whole.dropLast() : whole, separator: thousands) else { return nil }
                cleaned.removeAll { $0 == thousands }
            }
            if number.decimalSeparator != "." { cleaned = cleaned.replacingOccurrences(of: String(number.decimalSeparator), with: ".") }
        }
        // A trailing minus ("12-") is how some ERPs write negatives.
        if cleaned.hasSuffix("-"), cleaned.count > 1 { cleaned = "-" + cleaned.dropLast() }
        return Decimal(plain: cleaned)
    }

}

extension FieldValue {
    var number: Decimal? {
        switch self {
        case .integer(let i): Decimal(i)
        case .decimal(let d): d
        case .string(let s): Decimal(plain: s)
        case .boolean: nil
        }
    }
}

extension Decimal {
    func rounded(_ scale: Int = 0) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }

    /// Fixed-point text with exactly `decimals` places (`45` → `45.00`).
    func fixed(_ decimals: Int) -> String {
        let text = rounded(decimals).plainText
        guard decimals > 0 else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, decimals - fraction.count))
    }
}

extension Condition {
    var references: [SourceRef] {
        switch self {
        case .equals(let r, _), .notEquals(let r, _), .oneOf(let r, _), .empty(let r), .notEmpty(let r), .matches(let r, _): [r]
        case .all(let list), .any(let list): list.flatMap(\.references)
        }
    }
}

/// What lookups did besides translating, per field: values kept as they were (`on_missing: keep`)
/// or replaced by the default (`on_missing: default`). `preview` reports it.
public final class LookupTally: @unchecked Sendable {
    public enum Outcome: String, Sendable { case kept, defaulted }

    /// Field → outcome → how often, and up to five of the values.
    public private(set) var counts: [String: [Outcome: Int]] = [:]
    public private(set) var examples: [String: [String]] = [:]

    public init() {}

    func note(_ field: String, _ outcome: Outcome, value: String) {
        counts[field, default: [:]][outcome, default: 0] += 1
        if examples[field, default: []].count < 5, !examples[field, default: []].contains(value) { examples[field, default: []].append(value) }
    }
}
