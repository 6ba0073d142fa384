import Foundation

/// The body of `POST /v2/bulk-inventory`: `{"inventory_items": [ … ]}`.
public struct BulkInventoryRequest: Sendable, Equatable, Codable {
    public var inventoryItems: [InventoryItem]

    enum CodingKeys: String, CodingKey { case inventoryItems = "inventory_items" }

    public init(_ items: [InventoryItem]) { inventoryItems = items }

    /// The exact bytes sent: JSON with sorted keys, so the same items always give the same body.
    public func jsonBody(pretty: Bool = false) throws -> Data {
        if pretty { return try JSONEncoder.canonical(pretty: true).encode(self) }
        var json = JSONWriter(capacity: 64 + inventoryItems.count * 96)
        json.beginObject()
        json.key("inventory_items")
        json.beginArray()
        inventoryItems.withUnsafeBufferPointer { items in
            guard let first = items.baseAddress else { return }
            for index in items.indices { InventoryItem.write(first + index, to: &json) }
        }
        json.endArray()
        json.endObject()
        return json.data()
    }

    /// Decodes a body in either accepted shape: a flat array, or `{"inventory_item": [ … ]}` inside.
    public static func decode(_ data: Data) throws -> BulkInventoryRequest {
        let root = try JSONValue.parse(data)
        guard let container = root["inventory_items"] ?? root["inventory_item"] else {
            throw JoorResponseError("the body has no inventory_items")
        }
        let list = container["inventory_item"] ?? container
        let itemsData = try JSONEncoder().encode(list.elements ?? [])
        return BulkInventoryRequest(try JSONDecoder().decode([InventoryItem].self, from: itemsData))
    }
}

/// JOOR's answer to a bulk inventory update: per SKU, pass or fail.
public struct BulkInventoryResponse: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var sku: String
        public var logID: String?
        public var passed: Bool
        /// Why it failed, when the server says (JOOR itself gives no reason).
        public var message: String?

        public init(sku: String, logID: String? = nil, passed: Bool, message: String? = nil) {
            self.sku = sku
            self.logID = logID
            self.passed = passed
            self.message = message
        }
    }

    public var code: Int
    public var comment: String?
    public var skuCount: Int?
    public var entries: [Entry]

    public init(code: Int = 0, comment: String? = nil, skuCount: Int? = nil, entries: [Entry]) {
        self.code = code
        self.comment = comment
        self.skuCount = skuCount
        self.entries = entries
    }

    /// Parses `{"inventory_items": {"response": …, "sku_count": n, "inventory_log": [ … ]}}` (or the
    /// same without the outer wrapper).
    public static func parse(_ data: Data) throws(JoorResponseError) -> BulkInventoryResponse {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw JoorResponseError("inventory response is not valid JSON: \(error)") }
        let body = root["inventory_items"] ?? root
        let log = body["inventory_log"].flatMap { $0["inventory_log_entry"] ?? $0 }
        let entries = (log?.elements ?? []).map { entry in
            Entry(
                sku: entry["sku"]?.text ?? "", logID: entry["inventory_log_id"]?.text,
                passed: entry["status"]?.text?.lowercased() == "pass", message: entry["message"]?.text)
        }
        return BulkInventoryResponse(
            code: body["response"]?["code"]?.int ?? 0, comment: body["response"]?["comment"]?.text,
            skuCount: body["sku_count"]?.int, entries: entries)
    }

    /// The JSON the sandbox answers with (same shape as JOOR's).
    public func jsonBody() throws -> Data {
        var log: [JSONValue] = entries.map { entry in
            var members: [String: JSONValue] = ["sku": .string(entry.sku), "status": .string(entry.passed ? "pass" : "fail")]
            if let id = entry.logID { members["inventory_log_id"] = .string(id) }
            if let message = entry.message { members["message"] = .string(message) }
            return .object(members)
        }
        if log.isEmpty { log = [] }
        var response: [String: JSONValue] = ["code": .number(Decimal(code))]
        if let comment { response["comment"] = .string(comment) }
        let body: JSONValue = .object([
            "inventory_items": .object([
                "response": .object(response), "sku_count": .number(Decimal(skuCount ?? entries.filter(\.passed).count)),
                "inventory_log": .array(log),
            ])
        ])
        let encoder = JSONEncoder.canonical()
        return try encoder.encode(body)
    }
}
