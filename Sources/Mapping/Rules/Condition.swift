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

    func holds(_ row: RowSource) -> Bool {
        func text(_ ref: SourceRef) -> String { (row.value(ref) ?? "").trimmingCharacters(in: .whitespaces) }
        switch self {
        case .equals(let ref, let value): return text(ref) == value
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

/// A compiled regular expression that can be shared across threads.
public struct RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    let pattern: String

    init(_ pattern: String) throws(RuleSyntaxError) {
        do { regex = try NSRegularExpression(pattern: pattern) } catch {
            throw RuleSyntaxError("'\(pattern)' is not a valid regular expression")
        }
        self.pattern = pattern
    }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func replace(in text: String, with template: String) -> String {
        regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}
