import Foundation

/// One page of a v2 orders response: the orders and the `response` envelope that tells where
/// the next page starts.
public struct OrdersPage: Sendable, Equatable {
    public var orders: [JoorOrder]
    public var response: OrdersResponse

    public init(orders: [JoorOrder], response: OrdersResponse = .init()) {
        self.orders = orders
        self.response = response
    }

    /// Whether JOOR says there is no page after this one: `next_start` given but empty, or
    /// `start_from` plus this page's orders reaching the total (`count`).
    public var isLast: Bool {
        if response.nextStartIsEmpty { return true }
        guard let count = response.count else { return false }
        return (response.startFrom ?? 0) + orders.count >= count
    }
}

/// The `response` envelope of a v2 orders answer: success or an error, and where the next page
/// starts. JSON and XML answers give the same fields.
public struct OrdersResponse: Sendable, Equatable {
    /// `code`: 0 means success (also when the answer gives none).
    public var code = 0
    /// `comment`: error details when `code` is not 0.
    public var comment: String?
    public var startFrom: Int?
    /// Offset of the next page; `nil` (or empty in JOOR's answer) on the last page.
    public var nextStart: Int?
    /// The answer had a `next_start` with no value (JOOR's way of saying "no more").
    public var nextStartIsEmpty = false
    /// `count`: the total number of results.
    public var count: Int?
    public var logID: String?

    public init() {}

    /// Reads the envelope from its fields as text, by name (`code`, `start_from`, …); `field`
    /// gives nil for a field the answer does not have and "" for one without a value.
    /// - Throws: when `code` is not a number: an error code must not read as 0, success (an
    ///   empty page would advance the look times).
    public init(from source: String, field: (String) -> String?) throws(JoorResponseError) {
        func number(_ name: String) -> Int? { field(name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        if let text = field("code")?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let code = Int(text) else { throw JoorResponseError("\(source): the response code '\(text)' is not a number") }
            self.code = code
        }
        comment = field("comment")
        startFrom = number("start_from")
        nextStart = number("next_start")
        nextStartIsEmpty = field("next_start").map { $0.trimmingCharacters(in: .whitespaces).isEmpty } ?? false
        count = number("count")
        logID = field("log_id")
    }

    /// Whether JOOR reported an error in the envelope.
    public var isError: Bool { code != 0 }
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
        // A field given as null reads as one without a value (`"next_start": null`, no more pages).
        let answer = try OrdersResponse(from: sourceName) { name in response?[name].map { $0.text ?? "" } }
        return OrdersPage(orders: orders, response: answer)
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
