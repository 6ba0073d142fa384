import Foundation

/// Simple arithmetic over fields: `"{On Hand} - {Allocated}"`, `"{Cases} * {Per Case} + {Loose}"`.
/// `+ - * /`, parentheses and decimal numbers; an empty field counts as 0. Exact decimal arithmetic.
public struct Expression: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        case number(ExactNumber)
        case reference(SourceRef)
        case negate(Node)
        case binary(ExactNumber.Operator, Node, Node)
    }

    let root: Node
    public let text: String

    init(_ text: String, style: ReferenceStyle) throws(RuleSyntaxError) {
        self.text = text
        var parser = Parser(chars: Array(text), style: style)
        root = try parser.parseSum()
        parser.skipSpaces()
        if parser.position < parser.chars.count {
            throw RuleSyntaxError("unexpected '\(parser.chars[parser.position])' in expression \"\(text)\"")
        }
    }

    /// The same expression with every reference replaced by `transform`'s answer.
    func mapReferences(_ transform: (SourceRef) -> SourceRef) -> Expression {
        func walk(_ node: Node) -> Node {
            switch node {
            case .number: node
            case .reference(let ref): .reference(transform(ref))
            case .negate(let inner): .negate(walk(inner))
            case .binary(let op, let a, let b): .binary(op, walk(a), walk(b))
            }
        }
        return Expression(root: walk(root), text: text)
    }

    private init(root: Node, text: String) {
        self.root = root
        self.text = text
    }

    var references: [SourceRef] {
        func walk(_ node: Node) -> [SourceRef] {
            switch node {
            case .number: []
            case .reference(let ref): [ref]
            case .negate(let inner): walk(inner)
            case .binary(_, let a, let b): walk(a) + walk(b)
            }
        }
        return walk(root)
    }

    /// Evaluates; fields are read as numbers in the rule's number format.
    func evaluate(_ row: some RowSource, number: FieldRule.NumberFormat?) -> Result<ExactNumber, RuleFailure> {
        evaluate(root, row, number)
    }

    private func evaluate(_ node: Node, _ row: some RowSource, _ number: FieldRule.NumberFormat?) -> Result<ExactNumber, RuleFailure> {
        switch node {
        case .number(let value): return .success(value)
        case .reference(let ref):
            let text = (row.value(ref) ?? "").trimmed()
            if text.isEmpty { return .success(.whole(0)) }
            guard let value = ExactNumber(text, number: number) else {
                return .failure(RuleFailure(value: text, reason: "'\(ref)' is not a number (in \(self.text))"))
            }
            return .success(value)
        case .negate(let inner):
            return evaluate(inner, row, number).map { -$0 }
        case .binary(let op, let a, let b):
            let x: ExactNumber
            switch evaluate(a, row, number) {
            case .success(let value): x = value
            case .failure(let failure): return .failure(failure)
            }
            let y: ExactNumber
            switch evaluate(b, row, number) {
            case .success(let value): y = value
            case .failure(let failure): return .failure(failure)
            }
            guard let result = ExactNumber.apply(op, x, y) else {
                return .failure(RuleFailure(value: nil, reason: "division by zero in \(self.text)"))
            }
            return .success(result)
        }
    }

    private struct Parser {
        let chars: [Character]
        let style: ReferenceStyle
        var position = 0

        mutating func skipSpaces() { while position < chars.count, chars[position] == " " { position += 1 } }

        mutating func parseSum() throws(RuleSyntaxError) -> Node {
            var left = try parseProduct()
            while true {
                skipSpaces()
                guard position < chars.count, chars[position] == "+" || chars[position] == "-" else { return left }
                let op: ExactNumber.Operator = chars[position] == "+" ? .add : .subtract
                position += 1
                left = .binary(op, left, try parseProduct())
            }
        }

        mutating func parseProduct() throws(RuleSyntaxError) -> Node {
            var left = try parseFactor()
            while true {
                skipSpaces()
                guard position < chars.count, chars[position] == "*" || chars[position] == "/" else { return left }
                let op: ExactNumber.Operator = chars[position] == "*" ? .multiply : .divide
                position += 1
                left = .binary(op, left, try parseFactor())
            }
        }

        mutating func parseFactor() throws(RuleSyntaxError) -> Node {
            skipSpaces()
            guard position < chars.count else { throw RuleSyntaxError("the expression ends too early") }
            let c = chars[position]
            if c == "-" {
                position += 1
                return .negate(try parseFactor())
            }
            if c == "(" {
                position += 1
                let inner = try parseSum()
                skipSpaces()
                guard position < chars.count, chars[position] == ")" else { throw RuleSyntaxError("missing ')' in expression") }
                position += 1
                return inner
            }
            if c == "{" {
                guard let end = chars[position...].firstIndex(of: "}") else { throw RuleSyntaxError("'{' is never closed in expression") }
                let name = String(chars[(position + 1)..<end])
                position = end + 1
                return .reference(try style.parse(name))
            }
            var digits = ""
            while position < chars.count, chars[position].isNumber || chars[position] == "." {
                digits.append(chars[position])
                position += 1
            }
            guard let value = Decimal(plain: digits) else {
                throw RuleSyntaxError("expected a number, {field} or '(' at '\(c)'; put field names in braces, like {On Hand}")
            }
            return .number(ExactNumber(value))
        }
    }
}
