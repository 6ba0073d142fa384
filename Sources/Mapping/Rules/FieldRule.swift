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
        var decimalSeparator: Character = "."
        var thousandsSeparator: Character?
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
    public func evaluate(_ row: RowSource, tally: LookupTally? = nil) -> Result<FieldValue?, RuleFailure> {
        if let when, !when.holds(row) { return .success(nil) }
        var raw: String
        switch source {
        case .reference(let ref): raw = row.value(ref) ?? ""
        case .fallbacks(let refs):
            raw = ""
            for ref in refs {
                if let value = row.value(ref), !value.trimmed(newlines: true).isEmpty {
                    raw = value
                    break
                }
            }
        case .constant(let value): raw = value
        case .template(let template): raw = template.render(row)
        case .expression(let expression):
            switch expression.evaluate(row, parse: parseNumber) {
            case .success(let value): raw = value.plainText
            case .failure(var failure):
                failure.field = target
                return .failure(failure)
            }
        case nil: raw = ""
        }
        if trim { raw = raw.trimmed(newlines: true) }
        if raw.isEmpty, let defaultValue { raw = defaultValue }
        if raw.isEmpty {
            if required { return fail(raw, "is required but empty") }
            // An empty value is not in the lookup either: on_missing: reject rejects it, unless
            // the rule says an empty value may pass (required: false).
            if let lookup, onMissing == .reject, !requiredIsExplicit {
                return fail(
                    raw, "is empty, and the lookup '\(lookup.name)' has no entry for it (on_missing: reject); say required: false if it may be empty")
            }
            return .success(nil)
        }

        for replacement in replacements {
            if let (from, to) = replacement.literal { raw = raw.replacingOccurrences(of: from, with: to) }
            if let (regex, with) = replacement.regex { raw = regex.replace(in: raw, with: with) }
        }
        switch letterCase {
        case .upper: raw = raw.uppercased()
        case .lower: raw = raw.lowercased()
        case nil: break
        }
        if let split {
            let pieces = raw.components(separatedBy: split.separator)
            if let parts = split.parts, pieces.count != parts {
                return fail(raw, "has \(pieces.count) part(s) when split on '\(split.separator)', not \(parts)")
            }
            var taken: [String] = []
            for index in split.take {
                let i = index < 0 ? pieces.count + index : index
                guard i >= 0 && i < pieces.count else { return fail(raw, "has no part \(index) when split on '\(split.separator)'") }
                taken.append(pieces[i])
            }
            raw = taken.joined(separator: split.join)
        }
        if let pad, raw.count < pad.length {
            let padding = String(repeating: pad.with, count: pad.length - raw.count)
            raw = pad.left ? padding + raw : raw + padding
        }
        if let lookup {
            if let mapped = lookup.value(for: raw) {
                raw = mapped
            } else {
                switch onMissing {
                case .reject: return fail(raw, "is not in the lookup '\(lookup.name)'")
                case .keep: tally?.note(target, .kept, value: raw)
                case .default:
                    tally?.note(target, .defaulted, value: raw)
                    raw = defaultValue ?? ""
                }
            }
        }
        if let date {
            guard var value = date.inputs.lazy.compactMap({ $0.parse(raw) }).first else {
                return fail(raw, "is not a date in the format \(date.inputs.map(\.pattern).joined(separator: " or "))")
            }
            if let zone = date.timeZone { value = value.converted(to: zone) }
            raw = date.output.format(value)
        }
        var value: FieldValue
        switch type {
        case .string, .date:
            if let truncate, raw.count > truncate { raw = String(raw.prefix(truncate)) }
            value = .string(raw)
        case .integer:
            guard let number = parseNumber(raw) else { return fail(raw, "is not a number") }
            guard number == number.rounded(), let int = Int(number.plainText) else { return fail(raw, "is not a whole number") }
            value = .integer(int)
        case .decimal:
            guard var number = parseNumber(raw) else { return fail(raw, "is not a number") }
            if let decimals = self.number?.decimals { number = number.rounded(decimals) }
            value = .decimal(number)
        case .boolean:
            switch raw.lowercased() {
            case "true", "yes", "y", "1", "x", "on": value = .boolean(true)
            case "false", "no", "n", "0", "off": value = .boolean(false)
            default: return fail(raw, "is not true/false (or yes/no, 1/0)")
            }
        }
        if let clamp {
            guard let number = value.number else { return fail(value.text, "is not a number, so clamp cannot bound it") }
            let bounded = clamp.apply(number)
            if bounded != number {
                switch value {
                case .integer: value = .integer(Int(bounded.plainText) ?? 0)
                case .decimal: value = .decimal(bounded)
                case .string, .boolean: value = .string(bounded.plainText)
                }
            }
        }
        if let pattern, !pattern.matches(value.text) { return fail(value.text, "does not match the pattern \(pattern.pattern)") }
        if let min, let n = value.number, n < min { return fail(value.text, "is below the minimum \(min.plainText)") }
        if let max, let n = value.number, n > max { return fail(value.text, "is above the maximum \(max.plainText)") }
        return .success(value)
    }

    /// The value formatted for writing into a file (applies `number.decimals` and its separator).
    func formatted(_ value: FieldValue) -> String {
        guard case .decimal(let d) = value, let number else { return value.text }
        var text = number.decimals.map { d.fixed($0) } ?? d.plainText
        if number.outputDecimalSeparator != "." { text = text.replacingOccurrences(of: ".", with: String(number.outputDecimalSeparator)) }
        return text
    }

    func parseNumber(_ text: String) -> Decimal? {
        let decimal = number?.decimalSeparator.asciiValue ?? UInt8(ascii: ".")
        let thousands = number?.thousandsSeparator.map { $0.asciiValue ?? 0 }
        if thousands != 0 {
            let (fast, general) = Decimal.parseASCII(text, decimal: decimal, thousands: thousands)
            if !general { return fast }
        }
        var cleaned = text.trimmed()
        if let number {
            if let thousands = number.thousandsSeparator { cleaned.removeAll { $0 == thousands } }
            if number.decimalSeparator != "." { cleaned = cleaned.replacingOccurrences(of: String(number.decimalSeparator), with: ".") }
        }
        // A trailing minus ("12-") is how some ERPs write negatives.
        if cleaned.hasSuffix("-"), cleaned.count > 1 { cleaned = "-" + cleaned.dropLast() }
        return Decimal(plain: cleaned)
    }

    private func fail(_ value: String, _ reason: String) -> Result<FieldValue?, RuleFailure> {
        .failure(RuleFailure(field: target, value: value, reason: reason))
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
