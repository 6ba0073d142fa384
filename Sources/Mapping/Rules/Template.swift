/// A text with `{reference}` placeholders: `"{Style}-{Color}"`, `"ORD_{order.order_id}_{now:yyyyMMdd}.csv"`.
/// `{{` and `}}` stand for literal braces.
public struct Template: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case reference(SourceRef)
    }

    let parts: [Part]
    public let text: String

    init(_ text: String, style: ReferenceStyle) throws(RuleSyntaxError) {
        self.text = text
        var parts: [Part] = []
        var literal = ""
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if c == "{" && chars.first == "{" { chars.removeFirst(); literal.append("{"); continue }
            if c == "}" && chars.first == "}" { chars.removeFirst(); literal.append("}"); continue }
            if c == "}" { throw RuleSyntaxError("'}' without '{' in \"\(text)\" (write }} for a literal brace)") }
            guard c == "{" else { literal.append(c); continue }
            guard let end = chars.firstIndex(of: "}") else { throw RuleSyntaxError("'{' is never closed in \"\(text)\"") }
            let name = String(chars[chars.startIndex..<end])
            chars = chars[(end + 1)...]
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.reference(try style.parse(name)))
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The references the template uses.
    var references: [SourceRef] {
        parts.compactMap { if case .reference(let ref) = $0 { ref } else { nil } }
    }

    /// Renders with a row's values (a missing value renders as empty).
    func render(_ row: RowSource) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s): out += s
            case .reference(let ref): out += row.value(ref) ?? ""
            }
        }
        return out
    }
}
