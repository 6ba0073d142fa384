import Foundation
import JoorModels

extension SandboxState {
    /// An API answer: HTTP status and JSON body.
    struct Answer: Sendable {
        var status: Int
        var body: JSONValue
        var headers: [String: String] = [:]
    }

    /// `GET /v2/orders` with JOOR's filters, paging and sync semantics.
    func listOrders(_ query: [String: String]) throws -> Answer {
        func int(_ key: String) -> Int? { query[key].flatMap { Int($0) } }
        let sync = (int("sync") ?? 1) == 1
        let orderType = int("order_type") ?? 2
        let exportStatus = int("export_status") ?? (sync ? 2 : 1)
        // Bit 1: missing mandatory export fields raise Failed (bit 2, deleted styles, is not modelled).
        let checksFields = (int("check") ?? (sync ? 1 : 0)) & 1 != 0
        let count = max(1, min(int("count") ?? 50, 1000))
        let start = max(0, int("start_from") ?? int("start") ?? 0)
        if (query["date_start"] == nil) != (query["date_end"] == nil) {
            return Answer(status: 400, body: Self.envelope("orders", code: 1, comment: "date_start and date_end must be given together", extra: [:]))
        }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        func date(_ text: String?) -> Date? { text.flatMap { iso.date(from: $0) ?? plain.date(from: $0) } }
        let from = date(query["date_start"])
        let to = date(query["date_end"])
        if query["date_start"] != nil && (from == nil || to == nil) {
            return Answer(status: 400, body: Self.envelope("orders", code: 1, comment: "date_start/date_end must be ISO 8601 timestamps", extra: [:]))
        }
        let matching = orders.indices.filter { i in
            let o = orders[i]
            guard o.matches(orderType: orderType), o.matches(exportStatus: exportStatus) else { return false }
            if let code = query["customer_code"], o.order.fields["customer_code"] != code { return false }
            if let group = query["customer_group_name"], o.order.fields["customer_group_name"] != group { return false }
            if let orderID = query["order_id"], o.id != orderID { return false }
            if let from, let to {
                guard let modified = date(o.order.fields["date_modified"]), modified >= from, modified <= to else { return false }
            }
            return true
        }
        var handedOut = matching
        if sync && checksFields && !requiredExportFields.isEmpty {
            // Orders failing the check are left out and flagged "Failed"; not exported, so the
            // next pull (export_status 2 includes failed orders) checks them again.
            let required = requiredExportFields.sorted()
            handedOut = matching.filter { i in
                let missing = required.filter { !Self.has($0, orders[i].order) }
                if !missing.isEmpty { orders[i].failedReason = "missing required export field(s): " + missing.joined(separator: ", ") }
                return missing.isEmpty
            }
            if handedOut.count < matching.count { try save() }
        }
        let page = Array(handedOut.dropFirst(start).prefix(count))
        if sync {
            for i in page {
                orders[i].exported = true
                orders[i].modifiedSinceExport = false
                orders[i].failedReason = nil
                orders[i].exportCount += 1
            }
            try save()
        }
        // A sync pull removes what it returned from the not-yet-exported set. Whether next_start
        // then says "the same offset" or "start + count" is not documented: both are modelled.
        let next: Int?
        if sync && configuration.answers.nextStart == .sameStart {
            next = handedOut.count - page.count > start ? start : nil
        } else {
            next = start + page.count < handedOut.count ? start + page.count : nil
        }
        let list = JSONValue.array(page.map { Self.json(orders[$0].order) })
        var response: [String: JSONValue] = [
            "code": .number(0), "comment": .string(""), "start_from": .number(Decimal(start)),
            "count": .number(Decimal(configuration.answers.ordersCountIsTotal ? handedOut.count : page.count)),
            "log_id": .string(UUID().uuidString.lowercased()),
        ]
        response["next_start"] = next.map { .number(Decimal($0)) } ?? .string("")
        if configuration.answers.changedOrdersEnvelope {
            return Answer(status: 200, body: .object(["results": list, "meta": .object(response)]))
        }
        return Answer(status: 200, body: .object(["orders": .object(["response": .object(response), "orders": list])]))
    }

    /// The fields JOOR's integration manager can make mandatory for export (joor-api.md 2.3).
    public static let mandatableExportFields: Set<String> = [
        "payment_method_code", "shipping_method_code", "shipping_code", "customer_code", "customer_group_name", "customer_group_code",
        "order_delivery_code", "order_season_code", "billing_code", "order_type_code", "company_name", "company_code", "order_event",
        "order_event_code", "warehouse_name", "warehouse_code", "door_codes", "door_names", "division_code", "sales_representative_code",
        "sales_representative", "tax_id_label",
    ]

    /// Whether an order has a value for a mandatable field: door codes and names are its doors',
    /// the division code its divisions' (or its own); the rest are order fields.
    static func has(_ field: String, _ order: JoorOrder) -> Bool {
        func any(_ list: [[String: String]], _ key: String) -> Bool { list.contains { !($0[key] ?? "").isEmpty } }
        switch field {
        case "door_codes": return any(order.doors, "door_code")
        case "door_names": return any(order.doors, "door_name")
        case "division_code": return any(order.divisions, "division_code") || !(order.fields[field] ?? "").isEmpty
        default: return !(order.fields[field] ?? "").isEmpty
        }
    }

    static func envelope(_ root: String, code: Int, comment: String, extra: [String: JSONValue]) -> JSONValue {
        var inner = extra
        inner["response"] = .object(["code": .number(Decimal(code)), "comment": .string(comment)])
        return .object([root: .object(inner)])
    }

    /// Fields JOOR sends as numbers.
    static let numericFields: Set<String> = [
        "order_id", "order_total", "order_discount", "order_discount_percent", "order_shipping_total",
        "item_style_id", "item_quantity", "item_price", "item_retail_price", "item_unit_price",
        "item_price_adjustment", "item_price_extended", "door_id",
    ]

    static func json(_ order: JoorOrder) -> JSONValue {
        func fields(_ map: [String: String]) -> [String: JSONValue] {
            var out: [String: JSONValue] = [:]
            for (key, value) in map {
                if numericFields.contains(key), let number = Decimal(string: value), !value.isEmpty {
                    out[key] = .number(number)
                } else {
                    out[key] = .string(value)
                }
            }
            return out
        }
        var object = fields(order.fields)
        object["line_items"] = .array(
            order.lineItems.map { line in
                var item = fields(line.fields)
                item["style_tags"] = .array(line.styleTags.map { .object(fields($0)) })
                return .object(item)
            })
        object["order_doors"] = .array(order.doors.map { .object(fields($0)) })
        object["order_divisions"] = .array(order.divisions.map { .object(fields($0)) })
        return .object(object)
    }
}
