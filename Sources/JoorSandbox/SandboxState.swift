import Foundation
import JoorModels
import Synchronization

/// Everything the sandbox knows, behind an actor; saved to the data folder after each change.
public actor SandboxState {
    /// A stock position as JOOR would hold it.
    public struct StockRecord: Sendable, Codable, Equatable {
        public var warehouse: String
        public var inventoryDate: String?
        public var upc: String?
        public var styleNumber: String?
        public var colorCode: String?
        public var size: String?
        public var inventory: Int
        public var madeToOrder: Bool
        /// How many times a push set this position.
        public var updates: Int
    }

    struct Job: Sendable, Codable {
        var id: Int
        var styles: [Style]
        var errors: [String: String]
        var polls = 0
        var applied = false
        var created: String
    }

    /// What is saved in `<data>/sandbox-state.json`.
    struct Snapshot: Codable {
        var orders: [SandboxOrder]
        var stock: [String: StockRecord]
        var styles: [Style]
        var jobs: [Job]
        var nextJobID: Int
        var requestCounts: [String: Int]
        var v4: V4Store?
        /// ``SandboxState/apiLinesheets``, absent in older files.
        var apiLinesheets: [String: Set<String>]?
    }

    let configuration: SandboxConfiguration
    var orders: [SandboxOrder] = []
    var stock: [String: StockRecord] = [:]
    var styles: [String: Style] = [:]
    var styleOrder: [String] = []
    /// Per style, the linesheets the API put it on (`delivery_overwrite` 2 replaces only those);
    /// the others were made in JOOR.
    var apiLinesheets: [String: Set<String>] = [:]
    var upcIndex: [String: (style: String, color: String, size: String)] = [:]
    var jobs: [Int: Job] = [:]
    var nextJobID = 1001
    /// Requests served per endpoint (`POST /v2/bulk-inventory` → 3), for tests and people.
    public private(set) var requestCounts: [String: Int] = [:]
    /// Requests that have arrived, per path, counted before any planned delay, and readable
    /// without waiting for the actor: a test's polling thread acts the moment one comes in.
    private nonisolated let arrivalCounts = Mutex<[String: Int]>([:])
    /// The last API requests as they arrived (not saved; at most ``requestLogLimit``), for tests
    /// that compare what a dry run printed with what a run sent.
    public private(set) var requestLog: [LoggedRequest] = []
    static let requestLogLimit = 10_000
    /// Requests answered 429 by the rate limiter (faults injected on purpose are not counted).
    public private(set) var rateLimited = 0
    private var windowStart: Date?
    private var creditsUsed = 0
    var faults = FaultPlan()
    var v4 = V4Store()
    /// The account's mandatory export fields (see ``SandboxConfiguration/requiredExportFields``).
    var requiredExportFields: Set<String>

    init(configuration: SandboxConfiguration) async throws {
        self.configuration = configuration
        requiredExportFields = configuration.requiredExportFields
        if let snapshot = try Self.load(configuration.dataDirectory) {
            orders = snapshot.orders
            stock = snapshot.stock
            for style in snapshot.styles { register(style) }
            jobs = Dictionary(uniqueKeysWithValues: snapshot.jobs.map { ($0.id, $0) })
            nextJobID = snapshot.nextJobID
            requestCounts = snapshot.requestCounts
            v4 = snapshot.v4 ?? V4Store()
            apiLinesheets = snapshot.apiLinesheets ?? [:]
        } else {
            for style in SandboxCatalog.styles { register(style) }
            orders = OrderSeeder.orders(count: configuration.seedOrders, seed: configuration.seed, until: configuration.seededUntil ?? Date())
            try save()
        }
    }

    // MARK: Persistence

    private static func file(_ directory: String) -> URL {
        URL(fileURLWithPath: directory).appendingPathComponent("sandbox-state.json")
    }

    private static func load(_ directory: String?) throws -> Snapshot? {
        guard let directory, FileManager.default.fileExists(atPath: file(directory).path) else { return nil }
        return try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: file(directory)))
    }

    func save() throws {
        guard let directory = configuration.dataDirectory else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let snapshot = Snapshot(
            orders: orders, stock: stock, styles: styleOrder.compactMap { styles[$0] }, jobs: Array(jobs.values),
            nextJobID: nextJobID, requestCounts: requestCounts, v4: v4, apiLinesheets: apiLinesheets)
        let encoder = JSONEncoder.canonical()
        try encoder.encode(snapshot).write(to: Self.file(directory), options: .atomic)
    }

    // MARK: Rate limit

    /// Spends credits in JOOR's fixed window; returns the seconds to wait when there are not enough.
    func spendCredits(_ cost: Int, now: Date = Date()) -> Double? {
        if let start = windowStart, now.timeIntervalSince(start) >= configuration.creditWindowSeconds {
            windowStart = nil
            creditsUsed = 0
        }
        if windowStart == nil { windowStart = now }
        guard creditsUsed + cost <= configuration.creditLimit else {
            rateLimited += 1
            return max(0.001, configuration.creditWindowSeconds - now.timeIntervalSince(windowStart!))
        }
        creditsUsed += cost
        return nil
    }

    func count(_ endpoint: String) {
        requestCounts[endpoint, default: 0] += 1
    }

    func log(_ request: LoggedRequest) {
        if requestLog.count >= Self.requestLogLimit { requestLog.removeFirst(requestLog.count / 2) }
        requestLog.append(request)
    }

    /// How many requests for `path` (`/v2/bulk-inventory`) have arrived so far.
    public nonisolated func arrivals(at path: String) -> Int {
        arrivalCounts.withLock { $0[path] ?? 0 }
    }

    nonisolated func noteArrival(at path: String) {
        arrivalCounts.withLock { $0[path, default: 0] += 1 }
    }

    /// Forgets the request counts and log (tests measure one phase at a time).
    public func resetCounts() {
        requestCounts = [:]
        arrivalCounts.withLock { $0 = [:] }
        requestLog = []
        try? save()
    }

    // MARK: Catalog

    /// Adds a style (and its UPCs) to the catalogue, as if it had been created in JOOR.
    public func register(_ style: Style) {
        if styles[style.styleIdentifier] == nil { styleOrder.append(style.styleIdentifier) }
        styles[style.styleIdentifier] = style
        for upc in style.upcs { upcIndex[upc.upc] = (style.styleIdentifier, upc.colorCode, upc.sizeName) }
    }

    /// The styles the account has now.
    public func allStyles() -> [Style] { styleOrder.compactMap { styles[$0] } }

    /// The stock positions the account has now.
    public func allStock() -> [StockRecord] {
        stock.values.sorted {
            ($0.warehouse, $0.upc ?? "", $0.styleNumber ?? "", $0.colorCode ?? "", $0.size ?? "") < (
                $1.warehouse, $1.upc ?? "", $1.styleNumber ?? "", $1.colorCode ?? "", $1.size ?? ""
            )
        }
    }

    /// Every order with its export flags.
    public func allOrders() -> [SandboxOrder] { orders }

    /// Adds orders (tests and the demo use this to stage specific cases).
    public func add(_ newOrders: [SandboxOrder]) throws {
        orders.append(contentsOf: newOrders)
        try save()
    }

    /// Changes an order as a JOOR user would (fields, and its status), which moves its
    /// modification date and flags it modified since its export.
    public func modify(
        orderID: String, fields: [String: String] = ["order_comments": "changed in JOOR"], status: SandboxOrder.Status? = nil
    ) throws -> Bool {
        guard let index = orders.firstIndex(where: { $0.id == orderID }) else { return false }
        for (field, value) in fields { orders[index].order.fields[field] = value }
        if let status {
            orders[index].status = status
            // The human status JOOR sends (the numeric order_type code of each status is unknown).
            orders[index].order.fields["order_type_name"] = status.rawValue.prefix(1).uppercased() + status.rawValue.dropFirst()
        }
        orders[index].order.fields["date_modified"] = ISO8601DateFormatter().string(from: Date())
        if orders[index].exported { orders[index].modifiedSinceExport = true }
        try save()
        return true
    }

    /// Makes these order fields mandatory for export, as JOOR's integration manager can.
    public func requireExportFields(_ fields: Set<String>) {
        requiredExportFields = fields
    }

    /// Plans faults for the next requests (and starts counting them afresh).
    public func plan(_ plan: FaultPlan) {
        faults = plan
        faultsFired = 0
    }

    /// How many faults of the current plan were injected (tests check that a fault really fired).
    public private(set) var faultsFired = 0

    func takeFault() -> FaultPlan.Action? {
        let action = faults.next()
        if action != nil { faultsFired += 1 }
        return action
    }
}

/// One API request as the sandbox received it.
public struct LoggedRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    /// The query string as sent (`dec_pending=0&overwrite=1`), without the `?`.
    public var query: String
    public var body: Data
}
