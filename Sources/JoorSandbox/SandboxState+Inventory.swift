import Foundation
import JoorModels

extension SandboxState {
    /// `POST|PUT /v2/bulk-inventory`: validates each item like JOOR and answers per SKU.
    func bulkInventory(_ body: Data, query: [String: String]) throws -> Answer {
        let request: BulkInventoryRequest
        do { request = try BulkInventoryRequest.decode(body) } catch {
            return Answer(
                status: 400,
                body: Self.envelope("inventory_items", code: 1, comment: "the body is not a valid inventory_items document: \(error)", extra: [:]))
        }
        if query["overwrite"] == "1" { stock.removeAll() }
        let decPending = query["dec_pending"] == "1"
        var entries: [BulkInventoryResponse.Entry] = []
        for item in request.inventoryItems {
            let label = item.skuLabel
            switch validate(item) {
            case .failure(let reason):
                entries.append(.init(sku: label, logID: UUID().uuidString.lowercased(), passed: false, message: reason.message))
            case .success(let sku):
                let warehouse = item.warehouse ?? "Default"
                var quantity = item.madeToOrder == true ? 0 : item.inventory
                if decPending, let upc = sku.upc {
                    let pending = orders.filter { $0.status == .pending }.flatMap(\.order.lineItems)
                        .filter { $0.fields["item_upc"] == upc }.reduce(0) { $0 + (Int($1.fields["item_quantity"] ?? "") ?? 0) }
                    quantity = max(0, quantity - pending)
                }
                let key = [warehouse, item.inventoryDate ?? "", sku.upc ?? "", sku.style, sku.color, sku.size].joined(separator: "|")
                var record =
                    stock[key]
                    ?? StockRecord(
                        warehouse: warehouse, inventoryDate: item.inventoryDate, upc: sku.upc, styleNumber: sku.style,
                        colorCode: sku.color, size: sku.size, inventory: 0, madeToOrder: false, updates: 0)
                record.inventory = quantity
                record.madeToOrder = item.madeToOrder ?? false
                record.updates += 1
                stock[key] = record
                entries.append(.init(sku: label, logID: UUID().uuidString.lowercased(), passed: true))
            }
        }
        try save()
        let response = BulkInventoryResponse(code: 0, skuCount: entries.filter(\.passed).count, entries: entries)
        return Answer(status: 200, body: try JSONValue.parse(response.jsonBody()))
    }

    private func validate(_ item: InventoryItem) -> Result<(upc: String?, style: String, color: String, size: String), SandboxRefusal> {
        if let warehouse = item.warehouse, !configuration.warehouses.contains(warehouse) {
            return .failure(SandboxRefusal("unknown warehouse '\(warehouse)'"))
        }
        if item.inventory < 0 { return .failure(SandboxRefusal("negative inventory \(item.inventory)")) }
        if let date = item.inventoryDate, !Self.isInventoryDate(date) {
            return .failure(SandboxRefusal("inventory_date '\(date)' is not YYYY-MM-DD or MM-DD-YYYY"))
        }
        if let upc = item.upc {
            guard let sku = upcIndex[upc] else { return .failure(SandboxRefusal("unknown UPC \(upc)")) }
            return .success((upc, styles[sku.style]?.styleNumber ?? sku.style, sku.color, sku.size))
        }
        guard let number = item.styleNumber, let color = item.colorCode, let size = item.size else {
            return .failure(SandboxRefusal("missing fields: give upc, or style_number + color_code + size"))
        }
        // A style_identifier names the style; only without one is it found by its number.
        let found =
            if let identifier = item.styleIdentifier { styles[identifier] } else {
                styles[number] ?? styles.values.first { $0.styleNumber == number }
            }
        guard let style = found else {
            return .failure(SandboxRefusal("unknown style \(number)\(item.styleIdentifier.map { " (style_identifier \($0))" } ?? "")"))
        }
        guard style.colors.contains(where: { $0.code == color }), style.sizes.contains(where: { $0.name == size }) else {
            return .failure(SandboxRefusal("style \(number) has no color \(color) in size \(size)"))
        }
        let upc = style.upcs.first { $0.colorCode == color && $0.sizeName == size }?.upc
        return .success((upc, number, color, size))
    }

    private static func isInventoryDate(_ text: String) -> Bool {
        let digits = text.filter(\.isNumber).count
        return digits == 8 && text.count == 10 && (text.dropFirst(4).first == "-" || text.dropFirst(2).first == "-")
    }
}

struct SandboxRefusal: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
