import JoorModels
import Yams

/// A test on an order's fields, written as in mappings — `{ field: order.warehouse_code, equals: EU }`,
/// `in:`, `not_equals:`, `empty:`, `not_empty:`, `matches:`, or `all:`/`any:` lists — for the
/// settings that choose orders (the orders job's routes).
public struct OrderCondition: Sendable, CustomStringConvertible {
    let condition: Condition
    /// The condition as written (for messages).
    public let description: String

    /// Whether the order passes the test.
    public func holds(for order: JoorOrder) -> Bool {
        condition.holds(OrderRow(order: order, context: Self.context))
    }

    /// Parses a condition node, reporting problems to `reader` with their position.
    package static func parse(_ node: Node, reader: YAMLReader, what: String) -> OrderCondition? {
        guard let condition = RuleParser(reader: reader, style: .orders, lookups: [:]).condition(node, what) else { return nil }
        let text = (try? Yams.serialize(node: node).trimmingCharacters(in: .whitespacesAndNewlines)) ?? what
        return OrderCondition(condition: condition, description: text.replacingOccurrences(of: "\n", with: ", "))
    }

    /// Conditions read order and line fields only, never the clock or the run.
    private static let context = RenderContext(runID: "")
}
