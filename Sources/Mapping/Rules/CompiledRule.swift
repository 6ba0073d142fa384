import Foundation

/// A rule ready to run on rows: the ``FieldRule`` it was compiled from, read in place.
///
/// Converters hold their rules in these boxes: calling a method of the (large) rule struct for
/// every field of every row made Swift copy the whole struct, retaining and releasing everything
/// in it, around each call; here each step reads only the settings it needs.
final class CompiledRule: Sendable {
    let spec: FieldRule
    /// An expression's exact number is the value as it is: no text step comes after it, and
    /// the rule is numeric.
    private let keepsExactNumber: Bool

    init(_ spec: FieldRule) {
        self.spec = spec
        let hasTextSteps =
            !spec.replacements.isEmpty || spec.letterCase != nil || spec.split != nil || spec.pad != nil || spec.lookup != nil || spec.date != nil
        keepsExactNumber = !hasTextSteps && (spec.type == .integer || spec.type == .decimal)
    }

    /// Converts one row's value. `nil` means "no value" (the field is left out).
    func evaluate(_ row: some RowSource, tally: LookupTally? = nil) -> Result<FieldValue?, RuleFailure> {
        if let when = spec.when, !when.holds(row) { return .success(nil) }
        var raw: String
        /// An expression's exact result, used as it is when no text step comes after it.
        var computed: ExactNumber?
        switch spec.source {
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
            switch expression.evaluate(row, number: spec.number) {
            case .success(let value):
                if keepsExactNumber { computed = value }
                raw = computed == nil ? value.plainText : ""
            case .failure(var failure):
                failure.field = spec.target
                return .failure(failure)
            }
        case nil: raw = ""
        }
        var value: FieldValue
        if let computed {
            switch typed(computed) {
            case .success(let typedValue): value = typedValue
            case .failure(let failure): return .failure(failure)
            }
            return check(value)
        }
        if spec.trim { raw = raw.trimmed(newlines: true) }
        if raw.isEmpty, let defaultValue = spec.defaultValue { raw = defaultValue }
        if raw.isEmpty {
            if spec.required { return fail(raw, "is required but empty") }
            // An empty value is not in the lookup either: on_missing: reject rejects it, unless
            // the rule says an empty value may pass (required: false).
            if let lookup = spec.lookup, spec.onMissing == .reject, !spec.requiredIsExplicit {
                return fail(
                    raw, "is empty, and the lookup '\(lookup.name)' has no entry for it (on_missing: reject); say required: false if it may be empty")
            }
            return .success(nil)
        }

        let source = raw
        for replacement in spec.replacements {
            if let (from, to) = replacement.literal { raw = raw.replacingOccurrences(of: from, with: to) }
            if let (regex, with) = replacement.regex { raw = regex.replace(in: raw, with: with) }
        }
        switch spec.letterCase {
        case .upper: raw = raw.uppercased()
        case .lower: raw = raw.lowercased()
        case nil: break
        }
        if let split = spec.split {
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
        if let pad = spec.pad, raw.count < pad.length {
            let padding = String(repeating: pad.with, count: pad.length - raw.count)
            raw = pad.left ? padding + raw : raw + padding
        }
        if let lookup = spec.lookup {
            if let mapped = lookup.value(for: raw) {
                raw = mapped
            } else {
                switch spec.onMissing {
                case .reject: return fail(raw, "is not in the lookup '\(lookup.name)'")
                case .keep: tally?.note(spec.target, .kept, value: raw)
                case .default:
                    tally?.note(spec.target, .defaulted, value: raw)
                    raw = spec.defaultValue ?? ""
                }
            }
        }
        if raw.isEmpty && spec.required { return fail(source, "is required, and its replace, split or lookup left it empty") }
        if let date = spec.date {
            guard var value = date.inputs.lazy.compactMap({ $0.parse(raw) }).first else {
                return fail(raw, "is not a date in the format \(date.inputs.map(\.pattern).joined(separator: " or "))")
            }
            // Without an offset, a time is the wall-clock time of time_zone; with neither, an
            // output that writes an offset would claim UTC ('Z') for a local time.
            if let zone = date.timeZone { value = value.offset == nil ? value.placed(in: zone) : value.converted(to: zone) }
            if value.offset == nil && date.output.writesOffset {
                return fail(
                    raw, "has no UTC offset, and the output \(date.output.pattern) writes one; say time_zone: (the zone the file's times are in)")
            }
            raw = date.output.format(value)
        }
        switch spec.type {
        case .string, .date:
            if let truncate = spec.truncate, raw.count > truncate { raw = String(raw.prefix(truncate)) }
            value = .string(raw)
        case .integer, .decimal:
            guard let number = ExactNumber(raw, number: spec.number) else { return fail(raw, "is not a number") }
            switch typed(number, raw: raw) {
            case .success(let typedValue): value = typedValue
            case .failure(let failure): return .failure(failure)
            }
        case .boolean:
            switch raw.lowercased() {
            case "true", "yes", "y", "1", "x", "on": value = .boolean(true)
            case "false", "no", "n", "0", "off": value = .boolean(false)
            default: return fail(raw, "is not true/false (or yes/no, 1/0)")
            }
        }
        return check(value)
    }

    /// A number as the rule's `integer` or `decimal` value (`raw`: the text it was read from, for messages).
    private func typed(_ exact: ExactNumber, raw: String? = nil) -> Result<FieldValue, RuleFailure> {
        if case .whole(let int) = exact, spec.type == .integer { return .success(.integer(int)) }
        let number = exact.decimal
        if spec.type == .integer {
            if let int = number.exactInt { return .success(.integer(int)) }
            let text = raw ?? number.plainText
            guard number == number.rounded(), let int = Int(number.plainText) else { return .failure(failure(text, "is not a whole number")) }
            return .success(.integer(int))
        }
        if let decimals = spec.number?.decimals { return .success(.decimal(number.rounded(decimals))) }
        return .success(.decimal(number))
    }

    /// `clamp`, then the checks (`pattern`, `min`, `max`).
    private func check(_ value: FieldValue) -> Result<FieldValue?, RuleFailure> {
        var value = value
        if let clamp = spec.clamp, case .integer(let int) = value, let bounded = clamp.apply(whole: int) {
            value = .integer(bounded)
        } else if let clamp = spec.clamp {
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
        if let pattern = spec.pattern, !pattern.matches(value.text) { return fail(value.text, "does not match the pattern \(pattern.pattern)") }
        if let min = spec.min, let n = value.number, n < min { return fail(value.text, "is below the minimum \(min.plainText)") }
        if let max = spec.max, let n = value.number, n > max { return fail(value.text, "is above the maximum \(max.plainText)") }
        return .success(value)
    }

    private func fail(_ value: String, _ reason: String) -> Result<FieldValue?, RuleFailure> {
        .failure(failure(value, reason))
    }

    private func failure(_ value: String, _ reason: String) -> RuleFailure {
        RuleFailure(field: spec.target, value: value, reason: reason)
    }
}
