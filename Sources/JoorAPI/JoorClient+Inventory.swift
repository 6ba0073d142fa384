import Foundation
import JoorModels
import NIOHTTP1

/// What JOOR did with one bulk inventory request.
public struct InventoryPushResult: Sendable {
    public var accepted: [InventoryItem] = []
    /// SKUs JOOR refused, with its reason when it gave one.
    public var failed: [(item: InventoryItem, reason: String)] = []
}

extension JoorClient {
    /// Sends one batch to `POST /v2/bulk-inventory`. Quantities are absolute, so a retried
    /// request does no harm.
    public func pushInventory(
        _ items: [InventoryItem], overwrite: Bool = false, decPending: Bool = false
    ) async throws(JoorAPIError) -> InventoryPushResult {
        let label = "POST /v2/bulk-inventory"
        let body: Data
        do { body = try BulkInventoryRequest(items).jsonBody() } catch { throw decodeFailure(label, error) }
        let reply = try await send(
            .POST, url: options.endpoint.v2 + "/bulk-inventory", query: Self.inventoryQuery(overwrite: overwrite, decPending: decPending),
            body: body, idempotent: true)
        let response: BulkInventoryResponse
        do throws(JoorResponseError) { response = try BulkInventoryResponse.parse(reply.body) } catch {
            throw JoorAPIError(.malformedResponse, request: label, message: error.message)
        }
        if response.code != 0 {
            throw JoorAPIError(.rejected, request: label, message: "response code \(response.code): \(response.comment ?? "")")
        }
        return Self.match(items, response)
    }

    /// The query of a bulk inventory request: `dec_pending=0|1`, and `overwrite=1` when asked for
    /// (JOOR then replaces the whole account's inventory with the request's items).
    public static func inventoryQuery(overwrite: Bool, decPending: Bool) -> [(String, String)] {
        var query = [("dec_pending", decPending ? "1" : "0")]
        if overwrite { query.append(("overwrite", "1")) }
        return query
    }

    /// Pairs JOOR's per-SKU log with what was sent: by SKU where every entry names one as
    /// joorbridge labels it, else by position when the counts agree.
    /// An answer without a log confirms the batch only when its `sku_count` counts every item: an
    /// item taken as accepted is not sent again while its quantity stays the same, so an answer
    /// that confirms nothing (`{}`, a proxy's page) leaves every item unconfirmed, to be sent again.
    static func match(_ items: [InventoryItem], _ response: BulkInventoryResponse) -> InventoryPushResult {
        var result = InventoryPushResult()
        if response.entries.isEmpty {
            guard response.skuCount == items.count else {
                let reason =
                    response.skuCount.map { "JOOR's answer counted \($0) update(s) for \(items.count) SKU(s) and named none" }
                    ?? "JOOR's answer has neither an inventory_log nor a sku_count: nothing is confirmed"
                result.failed = items.map { ($0, reason) }
                return result
            }
            result.accepted = items
            return result
        }
        // JOOR's `sku` is "a concatenation of the SKU data sent", in a form nobody documents: where
        // every entry names a sent SKU the way joorbridge labels it, entries are matched by that
        // name (an answer in another order cannot swap two SKUs' results); else by position.
        let labels = Set(items.map(\.skuLabel))
        let named = response.entries.allSatisfy { labels.contains($0.sku) }
        if response.entries.count == items.count && !named {
            for (item, entry) in zip(items, response.entries) {
                if entry.passed { result.accepted.append(item) } else { result.failed.append((item, entry.message ?? "JOOR refused the SKU")) }
            }
            return result
        }
        var byLabel: [String: [BulkInventoryResponse.Entry]] = Dictionary(grouping: response.entries, by: \.sku)
        for item in items {
            if var entries = byLabel[item.skuLabel], !entries.isEmpty {
                let entry = entries.removeFirst()
                byLabel[item.skuLabel] = entries
                if entry.passed { result.accepted.append(item) } else { result.failed.append((item, entry.message ?? "JOOR refused the SKU")) }
            } else {
                result.failed.append((item, "JOOR's answer did not mention this SKU"))
            }
        }
        return result
    }
}
