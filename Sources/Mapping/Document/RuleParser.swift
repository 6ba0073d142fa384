import Foundation
import Yams

/// Turns one YAML rule (`{ from: "EAN", required: true, pattern: "^[0-9]{8,14}$" }`, or just
/// `"EAN"` for `from`) into a ``FieldRule``, reporting every problem with its position.
struct RuleParser {
    static let keys = [
        "from", "column", "const", "concat", "expr", "default", "required", "type", "min", "max", "pattern", "trim",
        "case", "replace", "split", "pad", "lookup", "on_missing", "date", "number", "truncate", "when", "clamp",
    ]
    static let sourceKeys: Set<String> = ["from", "column", "const", "concat", "expr"]
    /// The keys of the nested parts of a rule and of a condition (the JSON Schema is built from these too).
    static let replaceKeys = ["pattern", "with"]
    static let splitKeys = ["on", "take", "join", "parts"]
    static let padKeys = ["length", "with", "side"]
    static let clampKeys = ["min", "max"]
    static let dateKeys = ["in", "out", "time_zone"]
    static let numberKeys = ["decimal", "thousands", "decimals", "output_decimal"]
    static let conditionKeys = ["field", "equals", "not_equals", "in", "empty", "not_empty", "matches"]
    static let allOfKeys = ["all"]
    static let anyOfKeys = ["any"]

    let reader: YAMLReader
    let style: ReferenceStyle
    let lookups: [String: LookupTable]

    /// Whether a YAML mapping is a rule (rather than, in an XML template, a nested element).
    static func isRule(_ node: Node) -> Bool {
        if case .scalar = node { return true }
        guard case .mapping(let mapping) = node else { return false }
        return mapping.contains { Self.sourceKeys.contains($0.key.string ?? "") }
    }

    func parse(_ node: Node, target: String, extraKeys: [String] = []) -> FieldRule {
        var rule = FieldRule(target: target, line: node.line)
        if case .scalar = node {
            rule.source = style.parse(node, "field '\(target)'", reporting: reader).map(FieldRule.Source.reference)
            return rule
        }
        guard let object = reader.object(node, "field '\(target)'") else { return rule }
        reader.checkKeys(object, allowed: Self.keys + extraKeys)
        let what = "field '\(target)'"

        let sources = object.entries.filter { Self.sourceKeys.contains($0.key) }
        if sources.count > 1 {
            reader.error(
                sources[1].keyNode,
                "\(what) has more than one source (\(sources.map(\.key).joined(separator: ", "))); use exactly one of from, column, const, concat, expr"
            )
        }
        if let from = object["from"] {
            if case .sequence(let items) = from {
                // `from: [order.company_name, order.customer_name]`: the first non-empty one.
                let refs = items.compactMap { style.parse($0, "\(what).from", reporting: reader) }
                if items.isEmpty { reader.error(from, "\(what).from is an empty list; give one name, or a list of names to try in order") }
                rule.source = refs.count == 1 ? .reference(refs[0]) : .fallbacks(refs)
            } else {
                rule.source = style.parse(from, "\(what).from", reporting: reader).map(FieldRule.Source.reference)
            }
        }
        if let column = object["column"], let index = reader.int(column, "\(what).column") {
            if case .csv = style, index >= 1 {
                rule.source = .reference(.column(index - 1))
            } else {
                reader.error(column, "\(what).column must be a 1-based CSV column number (column: 1 is the first)")
            }
        }
        if let const = object["const"] { rule.source = .constant(reader.string(const, "\(what).const") ?? "") }
        if let concat = object["concat"], let text = reader.string(concat, "\(what).concat") {
            do { rule.source = .template(try Template(text, style: style)) } catch { reader.error(concat, error.message) }
        }
        if let expr = object["expr"], let text = reader.string(expr, "\(what).expr") {
            do { rule.source = .expression(try Expression(text, style: style)) } catch { reader.error(expr, error.message) }
        }
        rule.defaultValue = object["default"].flatMap { reader.string($0, "\(what).default") }
        if let value = rule.defaultValue, let open = value.firstIndex(of: "{"), value[open...].contains("}") {
            reader.warning(
                object["default"],
                "\(what).default is written as it is, braces and all ('\(value)'): default takes no field names. To use another field when this one is empty, give from: a list, e.g. from: [order.company_name, order.customer_name]; to combine fields, use concat:"
            )
        }
        rule.required = object["required"].flatMap { reader.bool($0, "\(what).required") } ?? false
        rule.requiredIsExplicit = object["required"] != nil
        rule.trim = object["trim"].flatMap { reader.bool($0, "\(what).trim") } ?? true
        if let type = reader.choice(object["type"], "\(what).type", as: FieldRule.ValueType.self) { rule.type = type }
        rule.min = decimal(object["min"], "\(what).min")
        rule.max = decimal(object["max"], "\(what).max")
        if let pattern = object["pattern"], let text = reader.string(pattern, "\(what).pattern") {
            do { rule.pattern = try RegexBox(text) } catch { reader.error(pattern, error.message) }
        }
        if let c = object["case"], let name = reader.choice(c, "\(what).case", ["upper", "lower"]) {
            rule.letterCase = FieldRule.LetterCase(rawValue: name)
        }
        if let replace = object["replace"] { rule.replacements = replacements(replace, what) }
        if let split = object["split"] { rule.split = self.split(split, what) }
        if let pad = object["pad"] { rule.pad = self.pad(pad, what) }
        if let lookup = object["lookup"], let name = reader.string(lookup, "\(what).lookup") {
            if let table = lookups[name] {
                rule.lookup = table
            } else {
                reader.error(
                    lookup,
                    "\(what) uses the lookup '\(name)', which is not defined under lookups:\(lookups.isEmpty ? "" : " (defined: \(lookups.keys.sorted().joined(separator: ", ")))")"
                )
            }
        }
        if let onMissing = object["on_missing"], let name = reader.choice(onMissing, "\(what).on_missing", ["reject", "keep", "default"]) {
            rule.onMissing = FieldRule.OnMissing(rawValue: name)!
            if object["lookup"] == nil { reader.error(onMissing, "\(what).on_missing only applies with a lookup") }
            if rule.onMissing == .default && rule.defaultValue == nil {
                reader.error(onMissing, "\(what): on_missing: default needs a default value")
            }
        }
        if let date = object["date"] { rule.date = self.date(date, what) }
        if rule.type == .date && rule.date == nil {
            rule.date = FieldRule.DateRule(inputs: [try! DatePattern("iso8601")], output: try! DatePattern("yyyy-MM-dd"), timeZone: nil)
        }
        if let number = object["number"] { rule.number = self.number(number, what) }
        rule.truncate = reader.int(object["truncate"], "\(what).truncate", in: 1...1_000_000)
        if let node = object["truncate"], rule.type != .string && rule.type != .date {
            reader.error(node, "\(what).truncate cuts text, and this field's type is \(rule.type.rawValue); leave truncate out or say type: string")
        }
        if let node = object["number"], rule.type != .integer && rule.type != .decimal, !rule.isExpression {
            reader.error(
                node, "\(what).number reads and writes numbers, and this field's type is \(rule.type.rawValue); say type: decimal (or integer)")
        }
        if let clamp = object["clamp"] { rule.clamp = self.clamp(clamp, what, whole: rule.type == .integer) }
        if let when = object["when"] { rule.when = condition(when, "\(what).when") }
        return rule
    }

    private func decimal(_ node: Node?, _ what: String) -> Decimal? {
        guard let node, let text = reader.string(node, what) else { return nil }
        guard let value = Decimal(plain: text) else {
            reader.error(node, "\(what) must be a number, not '\(text)'")
            return nil
        }
        return value
    }

    /// `clamp: { min:, max: }`; `whole`: the field is an integer, so are its bounds.
    private func clamp(_ node: Node, _ what: String, whole: Bool) -> FieldRule.Clamp? {
        guard let object = reader.object(node, "\(what).clamp", allowedKeys: Self.clampKeys) else { return nil }
        let clamp = FieldRule.Clamp(min: decimal(object["min"], "\(what).clamp.min"), max: decimal(object["max"], "\(what).clamp.max"))
        for (key, bound) in [("min", clamp.min), ("max", clamp.max)] where whole {
            if let bound, bound != bound.rounded(), let boundNode = object[key] {
                reader.error(boundNode, "\(what).clamp.\(key) must be a whole number for an integer field, not '\(bound.plainText)'")
            }
        }
        if clamp.min == nil && clamp.max == nil { reader.error(node, "\(what).clamp needs min:, max: or both, e.g. clamp: { min: 0 }") }
        if let low = clamp.min, let high = clamp.max, low > high { reader.error(node, "\(what).clamp: min is above max") }
        return clamp
    }

    private func replacements(_ node: Node, _ what: String) -> [FieldRule.Replacement] {
        switch node {
        case .mapping(let mapping):
            return mapping.compactMap { (key: Node, value: Node) -> FieldRule.Replacement? in
                guard let from = reader.string(key, "\(what).replace"), let to = reader.string(value, "\(what).replace") else { return nil }
                return FieldRule.Replacement(literal: (from, to))
            }
        case .sequence(let list):
            return list.compactMap { (item: Node) -> FieldRule.Replacement? in
                guard let object = reader.object(item, "\(what).replace entry", allowedKeys: Self.replaceKeys) else { return nil }
                guard
                    let pattern = reader.required(
                        object, "pattern", "\(what).replace.pattern", at: item, else: "\(what).replace: each entry needs a pattern (and with:)")
                else { return nil }
                do throws(RuleSyntaxError) {
                    return FieldRule.Replacement(regex: (try RegexBox(pattern), object["with"].flatMap { reader.string($0, "with") } ?? ""))
                } catch {
                    reader.error(item, error.message)
                    return nil
                }
            }
        default:
            reader.error(node, "\(what).replace must be a mapping { old: new } or a list of { pattern, with }")
            return []
        }
    }

    private func split(_ node: Node, _ what: String) -> FieldRule.Split? {
        guard let object = reader.object(node, "\(what).split", allowedKeys: Self.splitKeys) else { return nil }
        guard let on = object["on"].flatMap({ reader.string($0, "\(what).split.on") }), !on.isEmpty else {
            reader.error(node, "\(what).split needs on: (the separator)")
            return nil
        }
        let take =
            object["take"].flatMap { reader.strings($0, "\(what).split.take") }?.compactMap { text in
                guard let part = Int(text) else {
                    reader.error(object["take"], "\(what).split.take must be part numbers (0 is the first, -1 the last), not '\(text)'")
                    return nil
                }
                return part
            } ?? [0]
        let parts = reader.int(object["parts"], "\(what).split.parts", in: 1...10_000)
        if let parts, let outside = take.first(where: { $0 >= parts || $0 < -parts }) {
            reader.error(object["take"], "\(what).split takes part \(outside), but parts: \(parts) allows 0…\(parts - 1) (or -1…-\(parts))")
        }
        return FieldRule.Split(
            separator: on, take: take, join: object["join"].flatMap { reader.string($0, "\(what).split.join") } ?? on, parts: parts)
    }

    private func pad(_ node: Node, _ what: String) -> FieldRule.Pad? {
        guard let object = reader.object(node, "\(what).pad", allowedKeys: Self.padKeys) else { return nil }
        guard object.has("length") else {
            reader.error(node, "\(what).pad needs length:")
            return nil
        }
        guard let length = reader.int(object["length"], "\(what).pad.length", in: 1...10_000) else { return nil }
        let with = reader.singleCharacter(object["with"], "\(what).pad.with") ?? " "
        let side = object["side"].flatMap { reader.choice($0, "\(what).pad.side", ["left", "right"]) } ?? "left"
        return FieldRule.Pad(length: length, with: with, left: side == "left")
    }

    private func date(_ node: Node, _ what: String) -> FieldRule.DateRule? {
        guard let object = reader.object(node, "\(what).date", allowedKeys: Self.dateKeys) else { return nil }
        var inputs: [DatePattern] = []
        for text in object["in"].flatMap({ reader.strings($0, "\(what).date.in") }) ?? ["iso8601"] {
            do { inputs.append(try DatePattern(text)) } catch { reader.error(object["in"], error.message) }
        }
        var output = try! DatePattern("yyyy-MM-dd")
        if let out = object["out"], let text = reader.string(out, "\(what).date.out") {
            do { output = try DatePattern(text) } catch { reader.error(out, error.message) }
        }
        var zone: TimeZone?
        if let tz = object["time_zone"], let name = reader.string(tz, "\(what).date.time_zone") {
            zone = TimeZone(identifier: name)
            if zone == nil { reader.error(tz, "'\(name)' is not a time zone; use a name like Europe/Berlin or UTC") }
        }
        return FieldRule.DateRule(inputs: inputs, output: output, timeZone: zone)
    }

    private func number(_ node: Node, _ what: String) -> FieldRule.NumberFormat? {
        guard let object = reader.object(node, "\(what).number", allowedKeys: Self.numberKeys) else { return nil }
        var format = FieldRule.NumberFormat()
        func char(_ key: String) -> Character? { reader.singleCharacter(object[key], "\(what).number.\(key)") }
        format.decimalSeparator = char("decimal") ?? "."
        format.thousandsSeparator = char("thousands")
        format.outputDecimalSeparator = char("output_decimal") ?? "."
        format.decimals = reader.int(object["decimals"], "\(what).number.decimals", in: 0...18)
        if format.thousandsSeparator == format.decimalSeparator {
            reader.error(node, "\(what).number: the decimal and thousands separators must differ")
        }
        return format
    }

    /// Parses a condition: `{ field: X, equals: Y }`, `in`, `not_equals`, `empty`, `not_empty`,
    /// `matches`, or `all:`/`any:` lists. A list of conditions means any of them.
    func condition(_ node: Node, _ what: String) -> Condition? {
        if case .sequence(let list) = node { return .any(list.compactMap { condition($0, what) }) }
        guard let object = reader.object(node, what) else { return nil }
        for (key, allowed, combine) in [("all", Self.allOfKeys, Condition.all), ("any", Self.anyOfKeys, Condition.any)] {
            guard let list = object[key] else { continue }
            reader.checkKeys(object, allowed: allowed)
            guard case .sequence(let conditions) = list else {
                reader.error(list, "\(what).\(key) must be a list")
                return nil
            }
            return combine(conditions.compactMap { condition($0, what) })
        }
        reader.checkKeys(object, allowed: Self.conditionKeys)
        guard let fieldNode = object["field"], let fieldName = reader.string(fieldNode, "\(what).field") else {
            reader.error(node, "\(what) needs field: (the column or path to test), or all:/any:")
            return nil
        }
        guard let ref = style.parse(fieldName, at: fieldNode, reporting: reader) else { return nil }
        let tests = object.entries.filter { $0.key != "field" }
        if tests.count > 1 {
            reader.error(
                tests[1].keyNode,
                "\(what) has \(tests.count) tests (\(tests.map(\.key).joined(separator: ", "))) where one is read; write all: [ { field: \(fieldName), \(tests[0].key): … }, { field: \(fieldName), \(tests[1].key): … } ] to need every one"
            )
            return nil
        }
        if let v = object["equals"] { return .equals(ref, reader.string(v, "equals") ?? "") }
        if let v = object["not_equals"] { return .notEquals(ref, reader.string(v, "not_equals") ?? "") }
        if let v = object["in"] { return .oneOf(ref, Set(reader.strings(v, "\(what).in") ?? [])) }
        if let v = object["empty"] { return reader.bool(v, "empty") == false ? .notEmpty(ref) : .empty(ref) }
        if let v = object["not_empty"] { return reader.bool(v, "not_empty") == false ? .empty(ref) : .notEmpty(ref) }
        if let v = object["matches"], let text = reader.string(v, "matches") {
            do { return .matches(ref, try RegexBox(text)) } catch {
                reader.error(v, error.message)
                return nil
            }
        }
        reader.error(node, "\(what) needs one test: equals, not_equals, in, empty, not_empty or matches")
        return nil
    }
}
