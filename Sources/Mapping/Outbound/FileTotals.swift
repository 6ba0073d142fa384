import Foundation
import JoorModels

/// What an outbound file holds, for its header and trailer records: `{run.order_count}`,
/// `{run.line_count}`, `{run.total_quantity}`, `{run.total_amount}`, `{run.record_count}`.
public struct FileTotals: Sendable, Equatable {
    public var orders = 0
    /// Order lines (line items) of those orders.
    public var lines = 0
    /// Units: the sum of the lines' `item_quantity`.
    public var quantity = 0
    /// The sum of the orders' `order_total` (for an order without one, of its lines'
    /// `item_price_extended`, or quantity × `item_price`).
    public var amount: Decimal = 0
    /// Data records in the file, header and trailer records and the column-name row not counted.
    public var records = 0

    public init() {}

    /// The totals of one order.
    init(_ order: JoorOrder) {
        orders = 1
        lines = order.lineItems.count
        quantity = order.lineItems.reduce(0) { $0 + (Int($1.fields["item_quantity"] ?? "") ?? 0) }
        if let total = Self.number(order.fields["order_total"]) {
            amount = total
        } else {
            amount = order.lineItems.reduce(Decimal(0)) { sum, line in
                if let extended = Self.number(line.fields["item_price_extended"]) { return sum + extended }
                let quantity = Self.number(line.fields["item_quantity"]) ?? 0
                return sum + quantity * (Self.number(line.fields["item_price"]) ?? 0)
            }
        }
    }

    static func + (a: FileTotals, b: FileTotals) -> FileTotals {
        var sum = a
        sum.orders += b.orders
        sum.lines += b.lines
        sum.quantity += b.quantity
        sum.amount += b.amount
        sum.records += b.records
        return sum
    }

    /// The value of `run.<name>`, or `nil` for a name that is not a total.
    func value(_ name: String) -> String? {
        switch name {
        case "order_count": String(orders)
        case "line_count": String(lines)
        case "total_quantity": String(quantity)
        case "total_amount": amount.plainText
        case "record_count": String(records)
        default: nil
        }
    }

    /// The names `run.<name>` takes for totals.
    static let names: Set<String> = ["order_count", "line_count", "total_quantity", "total_amount", "record_count"]

    private static func number(_ text: String?) -> Decimal? {
        guard let text, !text.isEmpty else { return nil }
        return Decimal.parseASCII(text).value
    }
}
