import Foundation

/// A test on a row's values, for `when` (set the field only if…) and `skip_row_when`.
///
/// `{ field: Status, equals: "D" }`, `{ field: Status, in: [A, B] }`, `{ field: Note, empty: true }`,
/// `{ field: Qty, not_empty: true }`, `{ field: SKU, matches: "^TEST" }`, or `all:` / `any:` lists.
public indirect enum Condition: Sendable {
    case equals(SourceRef, String)
    case notEquals(SourceRef, String)
    case oneOf(SourceRef, Set<String>)
    case empty(SourceRef)
    case notEmpty(SourceRef)
    case matches(SourceRef, RegexBox)
    case all([Condition])
    case any([Condition])

    /// The same condition with every reference replaced by `transform`'s answer.
    func mapReferences(_ transform: (SourceRef) -> SourceRef) -> Condition {
        switch self {
        case .equals(let r, let v): .equals(transform(r), v)
        case .notEquals(let r, let v): .notEquals(transform(r), v)
        case .oneOf(let r, let v): .oneOf(transform(r), v)
        case .empty(let r): .empty(transform(r))
        case .notEmpty(let r): .notEmpty(transform(r))
        case .matches(let r, let regex): .matches(transform(r), regex)
        case .all(let list): .all(list.map { $0.mapReferences(transform) })
        case .any(let list): .any(list.map { $0.mapReferences(transform) })
        }
    }

    func holds(_ row: some RowSource) -> Bool {
        func text(_ ref: SourceRef) -> String { (row.value(ref) ?? "").trimmed() }
        switch self {
        case .equals(let ref, let value): return row.equalsASCII(ref, value) ?? (text(ref) == value)
        case .notEquals(let ref, let value): return text(ref) != value
        case .oneOf(let ref, let values): return values.contains(text(ref))
        case .empty(let ref): return text(ref).isEmpty
        case .notEmpty(let ref): return !text(ref).isEmpty
        case .matches(let ref, let regex): return regex.matches(text(ref))
        case .all(let list): return list.allSatisfy { $0.holds(row) }
        case .any(let list): return list.contains { $0.holds(row) }
        }
    }
}

/// A compiled regular expression that can be shared across threads (immutable; a class, so that
/// rules hand it around with one reference count).
public final class RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    let pattern: String
    /// The common `^[0-9]{8,14}$` shape, checked without ICU.
    let simple: SimplePattern?

    init(_ pattern: String) throws(RuleSyntaxError) {
        do { regex = try NSRegularExpression(pattern: pattern) } catch {
            throw RuleSyntaxError("'\(pattern)' is not a valid regular expression")
        }
        self.pattern = pattern
        simple = SimplePattern(pattern)
    }

    func matches(_ text: String) -> Bool {
        if let simple, let answer = simple.matches(text) { return answer }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func replace(in text: String, with template: String) -> String {
        regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}

/// A whole-string pattern of one ASCII character class and a count — `^[0-9]{8,14}$`, `^[A-Z0-9-]+$`,
/// `^\\d{13}$` — matched byte by byte. Anything else is left to `NSRegularExpression`.
struct SimplePattern: Sendable {
    /// The allowed ASCII bytes, one bit each.
    private var allowed: (low: UInt64, high: UInt64) = (0, 0)
    private var minimum = 0
    private var maximum = Int.max

    init?(_ pattern: String) {
        var rest = Substring(pattern)
        guard rest.hasPrefix("^"), rest.hasSuffix("$"), !rest.hasSuffix("\\$") else { return nil }
        rest = rest.dropFirst().dropLast()
        if rest.hasPrefix("\\d") {
            for c in UInt8(ascii: "0")...UInt8(ascii: "9") { allow(c) }
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("["), let close = rest.dropFirst(2).firstIndex(of: "]") {
            let members = Array(rest[rest.index(after: rest.startIndex)..<close].utf8)
            guard !members.isEmpty, members[0] != UInt8(ascii: "^"),
                !members.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "[") })
            else { return nil }
            var i = 0
            while i < members.count {
                if i + 2 < members.count, members[i + 1] == UInt8(ascii: "-") {
                    guard members[i] <= members[i + 2] else { return nil }
                    for c in members[i]...members[i + 2] { allow(c) }
                    i += 3
                } else {
                    allow(members[i])
                    i += 1
                }
            }
            rest = rest[rest.index(after: close)...]
        } else {
            return nil
        }
        switch rest {
        case "+": minimum = 1
        case "*": minimum = 0
        case "": (minimum, maximum) = (1, 1)
        default:
            guard rest.hasPrefix("{"), rest.hasSuffix("}") else { return nil }
            let bounds = rest.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2, let low = Int(bounds[0]) else { return nil }
            minimum = low
            maximum = bounds.count == 1 ? low : (bounds[1].isEmpty ? Int.max : Int(bounds[1]) ?? -1)
            guard maximum >= minimum else { return nil }
        }
    }

    private mutating func allow(_ byte: UInt8) {
        if byte < 64 { allowed.low |= 1 << UInt64(byte) } else if byte < 128 { allowed.high |= 1 << UInt64(byte - 64) }
    }

    private func isAllowed(_ byte: UInt8) -> Bool {
        byte < 64 ? allowed.low & (1 << UInt64(byte)) != 0 : allowed.high & (1 << UInt64(byte - 64)) != 0
    }

    /// Whether `text` matches; `nil` when the answer needs the full engine (non-ASCII text, or a
    /// line break at the end, which `$` also accepts).
    func matches(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { bytes -> Bool? in
            for byte in bytes {
                if byte >= 0x80 || byte == 0x0A || byte == 0x0D { return nil }
                if !isAllowed(byte) { return false }
            }
            return bytes.count >= minimum && bytes.count <= maximum
        }
    }
}

extension RowSource {
    /// Whether a value, trimmed of spaces and tabs, is `expected`, compared on bytes; `nil` when
    /// bytes cannot tell (non-ASCII text, where `String` equality and Unicode spaces apply).
    func equalsASCII(_ ref: SourceRef, _ expected: String) -> Bool? {
        withValueBytes(ref) { bytes -> Bool? in
            var expected = expected
            return expected.withUTF8 { wanted -> Bool? in
                guard let bytes else { return wanted.isEmpty }
                let trimmed = bytes.withoutSpacesAndTabs
                guard !bytes.contains(where: { $0 >= 0x80 }), !wanted.contains(where: { $0 >= 0x80 }) else { return nil }
                return trimmed.count == wanted.count && zip(trimmed, wanted).allSatisfy { bytes[$0] == $1 }
            }
        }
    }
}
