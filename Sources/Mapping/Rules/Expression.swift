import Foundation

/// Simple arithmetic over fields: `"{On Hand} - {Allocated}"`, `"{Cases} * {Per Case} + {Loose}"`.
/// `+ - * /`, parentheses and decimal numbers; an empty field counts as 0. Exact decimal arithmetic.
public struct Expression: Sendable, Equatable {
    /// What the parser builds.
    indirect enum Node: Sendable, Equatable {
        case number(ExactNumber)
        case reference(SourceRef)
        case negate(Node)
        case binary(ExactNumber.Operator, Node, Node)
    }

    /// One step of the compiled expression, in postfix order: a row is evaluated with a small
    /// stack, without recursion. Steps hold no reference-counted value (a field is named by its
    /// index in ``references``), so running the program copies nothing but numbers.
    enum Step: Sendable, Equatable {
        case push(ExactNumber)
        /// Push the value of `references[index]`.
        case load(Int)
        case negate
        case apply(ExactNumber.Operator)
    }

    let program: [Step]
    /// The fields the expression reads, in the order the program first loads them.
    let references: [SourceRef]
    public let text: String

    init(_ text: String, style: ReferenceStyle) throws(RuleSyntaxError) {
        self.text = text
        var parser = Parser(chars: Array(text), style: style)
        let root = try parser.parseSum()
        parser.skipSpaces()
        if parser.position < parser.chars.count {
            throw RuleSyntaxError("unexpected '\(parser.chars[parser.position])' in expression \"\(text)\"")
        }
        var program: [Step] = []
        var references: [SourceRef] = []
        func compile(_ node: Node) {
            switch node {
            case .number(let value): program.append(.push(value))
            case .reference(let ref):
                program.append(.load(references.count))
                references.append(ref)
            case .negate(let inner):
                compile(inner)
                program.append(.negate)
            case .binary(let op, let a, let b):
                compile(a)
                compile(b)
                program.append(.apply(op))
            }
        }
        compile(root)
        self.program = program
        self.references = references
    }

    /// The same expression with every reference replaced by `transform`'s answer.
    func mapReferences(_ transform: (SourceRef) -> SourceRef) -> Expression {
        Expression(program: program, references: references.map(transform), text: text)
    }

    private init(program: [Step], references: [SourceRef], text: String) {
        self.program = program
        self.references = references
        self.text = text
    }

    /// Evaluates; fields are read as numbers in the rule's number format.
    func evaluate(_ row: some RowSource, number: FieldRule.NumberFormat?) -> Result<ExactNumber, RuleFailure> {
        withUnsafeTemporaryAllocation(of: ExactNumber.self, capacity: program.count) { stack in
            var depth = 0
            for step in program {
                switch step {
                case .push(let value):
                    stack[depth] = value
                    depth += 1
                case .load(let index):
                    let ref = references[index]
                    // Blank and whole numbers straight from the row's bytes; anything else as text.
                    let fast: ExactNumber? = row.withValueBytes(ref) { bytes in
                        guard let bytes else { return .whole(0) }
                        if ExactNumber.isBlank(bytes) { return .whole(0) }
                        return ExactNumber.parseWhole(bytes, thousands: number?.bytes.thousands).map(ExactNumber.whole)
                    }
                    if let fast {
                        stack[depth] = fast
                        depth += 1
                        continue
                    }
                    let text = (row.value(ref) ?? "").trimmed()
                    if text.isEmpty {
                        stack[depth] = .whole(0)
                    } else if let value = ExactNumber(text, number: number) {
                        stack[depth] = value
                    } else {
                        return .failure(RuleFailure(value: text, reason: "'\(ref)' is not a number (in \(self.text))"))
                    }
                    depth += 1
                case .negate:
                    stack[depth - 1] = -stack[depth - 1]
                case .apply(let op):
                    guard let result = ExactNumber.apply(op, stack[depth - 2], stack[depth - 1]) else {
                        return .failure(RuleFailure(value: nil, reason: "division by zero in \(self.text)"))
                    }
                    depth -= 1
                    stack[depth - 1] = result
                }
            }
            return .success(stack[0])
        }
    }

    private struct Parser {
        let chars: [Character]
        let style: ReferenceStyle
        var position = 0

        mutating func skipSpaces() { while position < chars.count, chars[position] == " " { position += 1 } }

        mutating func parseSum() throws(RuleSyntaxError) -> Node {
            try parseOperations(["+": .add, "-": .subtract]) { parser throws(RuleSyntaxError) in try parser.parseProduct() }
        }

        mutating func parseProduct() throws(RuleSyntaxError) -> Node {
            try parseOperations(["*": .multiply, "/": .divide]) { parser throws(RuleSyntaxError) in try parser.parseFactor() }
        }

        /// Operands joined by any of `operators`, left to right (`a - b - c` is `(a - b) - c`).
        mutating func parseOperations(
            _ operators: [Character: ExactNumber.Operator], operand: (inout Parser) throws(RuleSyntaxError) -> Node
        ) throws(RuleSyntaxError) -> Node {
            var left = try operand(&self)
            while true {
                skipSpaces()
                guard position < chars.count, let op = operators[chars[position]] else { return left }
                position += 1
                left = .binary(op, left, try operand(&self))
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
