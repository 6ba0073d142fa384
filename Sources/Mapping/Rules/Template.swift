import Foundation

/// A text with `{reference}` placeholders: `"{Style}-{Color}"`, `"ORD_{order.order_id}_{now:yyyyMMdd}.csv"`.
/// `{a|b}` takes the first of its references that is not empty (`{order.company_name|order.customer_name}`).
/// `{{` and `}}` stand for literal braces.
public struct Template: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case reference(SourceRef)
        /// `{a|b|c}`: the first reference with a value that is not empty.
        case firstOf([SourceRef])
    }

    let parts: [Part]
    public let text: String

    init(_ text: String, style: ReferenceStyle) throws(RuleSyntaxError) {
        self.text = text
        var parts: [Part] = []
        var literal = ""
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if c == "{" && chars.first == "{" {
                chars.removeFirst()
                literal.append("{")
                continue
            }
            if c == "}" && chars.first == "}" {
                chars.removeFirst()
                literal.append("}")
                continue
            }
            if c == "}" { throw RuleSyntaxError("'}' without '{' in \"\(text)\" (write }} for a literal brace)") }
            guard c == "{" else {
                literal.append(c)
                continue
            }
            guard let end = chars.firstIndex(of: "}") else { throw RuleSyntaxError("'{' is never closed in \"\(text)\"") }
            let name = String(chars[chars.startIndex..<end])
            chars = chars[(end + 1)...]
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal = ""
            }
            let alternatives = name.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if alternatives.count == 1 {
                parts.append(.reference(try style.parse(name)))
            } else {
                if alternatives.contains(where: \.isEmpty) {
                    throw RuleSyntaxError("'{\(name)}' has an empty alternative; write {a|b} with a reference on each side of |")
                }
                parts.append(.firstOf(try alternatives.map { (text) throws(RuleSyntaxError) in try style.parse(text) }))
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    private init(parts: [Part], text: String) {
        self.parts = parts
        self.text = text
    }

    /// The same template with every reference replaced by `transform`'s answer.
    func mapReferences(_ transform: (SourceRef) -> SourceRef) -> Template {
        Template(
            parts: parts.map { part in
                switch part {
                case .literal: part
                case .reference(let ref): .reference(transform(ref))
                case .firstOf(let refs): .firstOf(refs.map(transform))
                }
            }, text: text)
    }

    /// The references the template uses.
    var references: [SourceRef] {
        parts.flatMap { part -> [SourceRef] in
            switch part {
            case .literal: []
            case .reference(let ref): [ref]
            case .firstOf(let refs): refs
            }
        }
    }

    /// The references inside `{a|b}` alternatives: each may be absent, as long as one is there.
    var alternativeReferences: [SourceRef] {
        parts.flatMap { part -> [SourceRef] in
            if case .firstOf(let refs) = part { return refs }
            return []
        }
    }

    /// Renders with a row's values (a missing value renders as empty).
    func render(_ row: some RowSource) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .reference(let ref): out += row.value(ref) ?? ""
            case .firstOf(let refs): out += refs.lazy.compactMap { row.value($0) }.first { !$0.trimmed(newlines: true).isEmpty } ?? ""
            }
        }
        return out
    }
}
