import Foundation
import JoorBridge
import JoorModels
import JoorSandbox
import Logging

/// Whole jobs against the in-process sandbox, with its JOOR-like rate limiter on: what a run costs
/// in requests and credits, and whether it ever hits a 429.
enum EndToEnd {
    /// A stock file pushed, then the same file again (nothing to send the second time).
    struct InventoryPush: Codable {
        var skus, batchSize, firstWrites: Int
        var firstSeconds: Double
        var firstCredits, itemsSent, againWrites: Int
        var againSeconds: Double
        /// Answers of 429 (rate limited).
        var rateLimited: Int
    }

    /// Orders pulled page by page and delivered as files.
    struct OrdersDownload: Codable {
        var format: String
        var orders, linesPerOrder, pageSize: Int
        var reads, delivered, files: Int
        var outputMiB, seconds: Double
        /// Answers of 429 (rate limited).
        var rateLimited: Int
    }

    /// JOOR's limiter (300 credits per window, writes cost 5) with a short window, so the run
    /// waits for credits as it would against JOOR, only faster.
    static func sandbox(window: Double) async throws -> JoorSandboxServer {
        var configuration = SandboxConfiguration()
        configuration.token = "bench-token"
        configuration.creditLimit = 300
        configuration.creditWindowSeconds = window
        configuration.jobPollsToFinish = 1
        let sandbox = try await JoorSandboxServer(configuration: configuration)
        try await sandbox.start()
        return sandbox
    }

    static func inventoryPush(skus: Int, work: URL, mappings: URL) async throws -> InventoryPush {
        let window = 2.0
        let sandbox = try await sandbox(window: window)
        defer { Task { await sandbox.stop() } }
        let upcs = (0..<skus).map { Style.UPC(colorCode: String($0 / 100), sizeName: String($0 % 100), upc: BenchData.gtin($0)) }
        await sandbox.state.register(Style(styleName: "Bench", styleNumber: "BENCH", styleIdentifier: "BENCH", upcs: upcs))
        let dir = work.appendingPathComponent("e2e-inventory-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        let batch = 500
        try """
        version: 1
        joor: { token_env: BENCH_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 300, credit_window_seconds: \(window) }
        state: ./state/joorbridge.sqlite
        inventory: { mapping: "\(mappings.appendingPathComponent("inventory-csv.yml").path)", include: ["*.csv"], settle_seconds: 0, batch_size: \(batch) }
        """.write(to: dir.appendingPathComponent("joorbridge.yml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("stock.csv").path
        try BenchData.inventoryCSV(rows: skus, to: file)
        let config = try BridgeConfig.load(path: dir.appendingPathComponent("joorbridge.yml").path, environment: [:])
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let run = Bridge(config: config, logger: logger, environment: ["BENCH_TOKEN": "bench-token"])

        try FileManager.default.copyItem(atPath: file, toPath: dir.appendingPathComponent("inbox/stock_1.csv").path)
        var start = Date()
        let first = await run.run(jobs: [.inventory])
        let firstSeconds = Date().timeIntervalSince(start)
        let firstWrites = await sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0
        guard first.status == .done, let report = first.jobs.first?.inventory else { throw BenchError("inventory push failed: \(first.summaryText)") }

        // The same content again under a new name (a WMS re-sending its export): no write at all.
        try FileManager.default.copyItem(atPath: file, toPath: dir.appendingPathComponent("inbox/stock_2.csv").path)
        start = Date()
        let again = await run.run(jobs: [.inventory])
        let againSeconds = Date().timeIntervalSince(start)
        guard again.status == .done else { throw BenchError("the second push failed: \(again.summaryText)") }
        let writes = await sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0
        return InventoryPush(
            skus: skus, batchSize: batch, firstWrites: firstWrites, firstSeconds: firstSeconds, firstCredits: first.credits,
            itemsSent: report.itemsSent, againWrites: writes - firstWrites, againSeconds: againSeconds,
            rateLimited: await sandbox.state.rateLimited)
    }

    static func ordersDownload(
        orders count: Int, lines: Int, mapping: String, format: String, work: URL, mappings: URL
    ) async throws -> OrdersDownload {
        let sandbox = try await sandbox(window: 2)
        defer { Task { await sandbox.stop() } }
        try await sandbox.state.add(orders(count: count, lines: lines))
        let dir = work.appendingPathComponent("e2e-orders-\(format)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let pageSize = 100
        try """
        version: 1
        joor: { token_env: BENCH_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 300, credit_window_seconds: 2 }
        state: ./state/joorbridge.sqlite
        orders: { mapping: "\(mappings.appendingPathComponent(mapping).path)", page_size: \(pageSize), order_status: approved }
        """.write(to: dir.appendingPathComponent("joorbridge.yml"), atomically: true, encoding: .utf8)
        let config = try BridgeConfig.load(path: dir.appendingPathComponent("joorbridge.yml").path, environment: [:])
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let start = Date()
        let outcome = await Bridge(config: config, logger: logger, environment: ["BENCH_TOKEN": "bench-token"]).run(jobs: [.orders])
        let seconds = Date().timeIntervalSince(start)
        guard outcome.status == .done, let report = outcome.jobs.first?.orders else {
            throw BenchError("order download failed: \(outcome.summaryText)")
        }
        let outbox = dir.appendingPathComponent("outbox").path
        let files = try FileManager.default.contentsOfDirectory(atPath: outbox)
        let bytes = try files.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: outbox + "/" + $1)[.size] as? Int) ?? 0) }
        let reads = (await sandbox.state.requestCounts["GET /v2/orders"] ?? 0) + (await sandbox.state.requestCounts["GET /v2/order"] ?? 0)
        return OrdersDownload(
            format: format, orders: count, linesPerOrder: lines, pageSize: pageSize, reads: reads, delivered: report.delivered,
            files: files.count, outputMiB: Double(bytes) / 1_048_576, seconds: seconds, rateLimited: await sandbox.state.rateLimited)
    }

    /// `count` approved orders of `lines` lines each, deterministic.
    static func orders(count: Int, lines: Int) -> [SandboxOrder] {
        let sizes = ["XS", "S", "M", "L", "XL"]
        return (0..<count).map { index in
            let id = 7_000_001 + index
            let date = "2026-11-\(String(format: "%02d", 1 + index % 25))T10:\(String(format: "%02d", index % 60)):00+00:00"
            let fields = [
                "order_id": String(id), "order_type": "4", "order_type_name": "Approved", "customer_code": "C\(index % 500)",
                "customer_name": "Customer \(index % 500)", "customer_purchase_order": "PO-\(id)", "date_created": date, "date_modified": date,
                "date_approved": date, "date_ship_start": "2027-01-15T00:00:00+00:00", "date_ship_end": "2027-02-15T00:00:00+00:00",
                "order_currency": "EUR", "warehouse_code": "MAINDC", "shipping_name": "Customer \(index % 500)",
                "shipping_address_1": "\(index % 200) Main Street", "shipping_city": "Hamburg", "shipping_postal_code": "20095",
                "shipping_country": "Germany", "shipping_country_iso_two": "DE", "billing_name": "Customer \(index % 500) GmbH",
            ]
            let items = (0..<lines).map { line in
                JoorLineItem(fields: [
                    "item_name": "Style \(line / 5)", "item_number": "ST-\(200_000 + line / 5)", "item_color_code": "100", "item_color": "White",
                    "item_size": sizes[line % 5], "item_upc": BenchData.gtin(50_000_000 + index * lines + line),
                    "item_quantity": String(1 + line % 6), "item_price": "45.00",
                    "item_price_extended": String(format: "%.2f", 45.0 * Double(1 + line % 6)),
                ])
            }
            return SandboxOrder(order: JoorOrder(fields: fields, lineItems: items), status: .approved)
        }
    }
}
