import Foundation

/// One page of a v2 orders response: the orders and the `response` envelope that tells where
/// the next page starts.
public struct OrdersPage: Sendable, Equatable {
    public var orders: [JoorOrder]
    /// `response.code`: 0 means success.
    public var code: Int?
    /// `response.comment`: error details when `code` is not 0.
    public var comment: String?
    public var startFrom: Int?
    /// Offset of the next page; `nil` (or empty in JOOR's answer) on the last page.
    public var nextStart: Int?
    /// `response.count`: the total number of results.
    public var count: Int?
    public var logID: String?
    /// Whether JOOR says there is no page after this one: `next_start` given but empty, or
    /// `start_from` plus this page's orders reaching the total (`count`).
    public var isLast: Bool {
        if nextStartIsEmpty { return true }
        guard let count else { return false }
        return (startFrom ?? 0) + orders.count >= count
    }
    /// The answer had a `next_start` with no value (JOOR's way of saying "no more").
    public var nextStartIsEmpty = false

    public init(
        orders: [JoorOrder], code: Int? = 0, comment: String? = nil, startFrom: Int? = nil, nextStart: Int? = nil, count: Int? = nil,
        logID: String? = nil
    ) {
        self.orders = orders
        self.code = code
        self.comment = comment
        self.startFrom = startFrom
        self.nextStart = nextStart
        self.count = count
        self.logID = logID
    }

    /// Whether JOOR reported an error in the envelope.
    public var isError: Bool { (code ?? 0) != 0 }
}

/// A JOOR response that could not be understood.
public struct JoorResponseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension OrdersPage {
    /// Parses an orders response in JSON.
    ///
    /// JOOR's envelope is not fully documented, so this accepts every shape seen in the wild:
    /// `{"orders": {"response": …, "orders": [ … ]}}`, `{"orders": [ … ]}`,
    /// `{"orders": {"order": [ … ]}}`, `{"order": [ … ]}` and a bare array.
    public static func parseJSON(_ data: Data, sourceName: String = "JOOR response") throws(JoorResponseError) -> OrdersPage {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            throw JoorResponseError("\(sourceName) is not valid JSON: \(error)")
        }
        var envelope = root["orders"] ?? root["order"] ?? root
        if case .array = envelope { envelope = .object(["orders": envelope]) }
        let response = envelope["response"] ?? root["response"]
        let list = envelope["orders"].flatMap { $0["order"] ?? $0 } ?? envelope["order"] ?? (response == nil ? nil : .array([]))
        guard let items = list?.elements else {
            throw JoorResponseError("\(sourceName) has no orders list (expected {\"orders\": {\"response\": …, \"orders\": […]}})")
        }
        var orders: [JoorOrder] = []
        for item in items {
            guard case .object(let members) = item else { throw JoorResponseError("\(sourceName): an order is not a JSON object") }
            orders.append(JoorOrder(json: members))
        }
        var code = 0
        if let text = response?["code"]?.text, !text.isEmpty {
            // An error code that is not a number must not read as 0, success (as for XML).
            guard let number = response?["code"]?.int else { throw JoorResponseError("\(sourceName): the response code '\(text)' is not a number") }
            code = number
        }
        var page = OrdersPage(
            orders: orders, code: code, comment: response?["comment"]?.text,
            startFrom: response?["start_from"]?.int, nextStart: response?["next_start"]?.int,
            count: response?["count"]?.int, logID: response?["log_id"]?.text)
        if let next = response?["next_start"] { page.nextStartIsEmpty = next.int == nil && (next.text ?? "").isEmpty }
        return page
    }
}

extension JoorOrder {
    /// Builds an order from a JSON object, keeping unknown fields.
    init(json members: [String: JSONValue]) {
        var fields: [String: String] = [:]
        for (key, value) in members { if let text = value.text { fields[key] = text } }
        self.init(
            fields: fields,
            lineItems: Self.objects(members["line_items"], item: "line_item").map { line in
                var lineFields: [String: String] = [:]
                for (key, value) in line { if let text = value.text { lineFields[key] = text } }
                return JoorLineItem(fields: lineFields, styleTags: Self.objects(line["style_tags"], item: "style_tag").map(Self.texts))
            },
            doors: Self.objects(members["order_doors"], item: "order_door").map(Self.texts),
            divisions: Self.objects(members["order_divisions"], item: "order_division").map(Self.texts))
    }

    /// A list that may come as an array, as `{"item": [...]}` or as a single object.
    private static func objects(_ value: JSONValue?, item: String) -> [[String: JSONValue]] {
        guard let value else { return [] }
        let list = value[item] ?? value
        return (list.elements ?? []).compactMap { if case .object(let members) = $0 { members } else { nil } }
    }

    private static func texts(_ members: [String: JSONValue]) -> [String: String] {
        members.compactMapValues(\.text)
    }
}
