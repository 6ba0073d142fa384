import Foundation

/// Whether a JOOR answer has the shape joorbridge reads, for `joorbridge check --connect`: the
/// first field or node that differs is named, so a mismatch shows up before the first night run.
public enum ResponseShape {
    /// What a shape check found: `problem` is the first difference that would stop joorbridge;
    /// `notes` are variants it accepts but that differ from the documented shape.
    public struct Report: Sendable, Equatable {
        public var problem: String?
        public var notes: [String] = []
        /// Orders (or products) in the answer.
        public var items = 0
    }

    /// A `GET /v2/orders` answer (JSON): `{"orders": {"response": {"code": 0, …}, "orders": [ … ]}}`,
    /// each order with an `order_id` and its `line_items` as a list of objects with a quantity.
    public static func orders(_ data: Data) -> Report {
        var report = Report()
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            report.problem = "the answer is not JSON (\(String(decoding: data.prefix(80), as: UTF8.self)))"
            return report
        }
        guard case .object(let top) = root else {
            report.problem = "the answer is a JSON \(kind(root)), not an object with an 'orders' node"
            return report
        }
        guard let orders = top["orders"] ?? top["order"] else {
            report.problem = "the answer has no 'orders' node (it has: \(top.keys.sorted().joined(separator: ", ")))"
            return report
        }
        let list: JSONValue
        switch orders {
        case .object(let envelope):
            if let response = envelope["response"] {
                if response["code"]?.int == nil {
                    report.problem = "orders.response has no numeric 'code'"
                    return report
                }
                if let code = response["code"]?.int, code != 0 {
                    report.problem = "orders.response.code is \(code): \(response["comment"]?.text ?? "")"
                    return report
                }
            } else {
                report.notes.append("orders has no 'response' node (accepted)")
            }
            guard let inner = envelope["orders"] ?? envelope["order"] else {
                report.problem = "orders has no 'orders' list (it has: \(envelope.keys.sorted().joined(separator: ", ")))"
                return report
            }
            list = inner
        case .array:
            report.notes.append("'orders' is a bare list without a response node (accepted)")
            list = orders
        default:
            report.problem = "'orders' is a \(kind(orders)), not an object or a list"
            return report
        }
        guard let items = list.elements else {
            report.problem = "orders.orders is a \(kind(list)), not a list"
            return report
        }
        report.items = items.count
        for (index, item) in items.enumerated() {
            guard case .object(let order) = item else {
                report.problem = "orders.orders[\(index)] is a \(kind(item)), not an object"
                return report
            }
            guard let id = order["order_id"], id.text.map({ !$0.isEmpty }) == true else {
                report.problem = "orders.orders[\(index)] has no 'order_id' (it has: \(order.keys.sorted().prefix(12).joined(separator: ", ")))"
                return report
            }
            guard let lines = order["line_items"] else {
                report.problem = "order \(id.text ?? "") has no 'line_items'"
                return report
            }
            let lineList = lines["line_item"] ?? lines
            guard let entries = lineList.elements else {
                report.problem = "order \(id.text ?? "")'s line_items is a \(kind(lines)), not a list"
                return report
            }
            for (number, line) in entries.enumerated() where line["item_quantity"] == nil {
                report.problem = "order \(id.text ?? "") line \(number + 1) has no 'item_quantity'"
                return report
            }
        }
        return report
    }

    /// A v4 answer: `{"data": [ … ], "errors": [ … ]}`.
    public static func v4(_ data: Data) -> Report {
        var report = Report()
        guard let root = try? JSONValue.parse(data), case .object(let top) = root else {
            report.problem = "the answer is not a JSON object"
            return report
        }
        guard let list = top["data"]?.elements else {
            report.problem = "the answer has no 'data' list (it has: \(top.keys.sorted().joined(separator: ", ")))"
            return report
        }
        if top["errors"] == nil { report.notes.append("no 'errors' list (accepted)") }
        if let errors = top["errors"]?.elements, let first = errors.first {
            report.problem = "JOOR reported an error: \(first["message"]?.text ?? first["status"]?.text ?? "\(first)")"
            return report
        }
        report.items = list.count
        return report
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .object: "object"
        case .array: "list"
        case .string: "text"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}
