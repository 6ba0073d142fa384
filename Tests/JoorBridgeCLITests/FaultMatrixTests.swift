import Foundation
import JoorModels
import Testing
import TestSupport
@testable import JoorSandbox

/// JOOR misbehaving in every way we know, through the built executable: the exit code and summary
/// say what happened, and once the fault clears a rerun leaves every order delivered exactly once
/// and every inventory value correct.
@Suite("Fault matrix", .serialized)
struct FaultMatrixTests {
    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var plan: FaultPlan
        /// Exit codes the faulty run may end with.
        var codes: Set<Int32>
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "429 storm", plan: FaultPlan(failCount: 5, failStatus: 429), codes: [0]),
        Fault(name: "503 burst", plan: FaultPlan(failCount: 3, failStatus: 503), codes: [0]),
        Fault(name: "502 burst mid-run", plan: FaultPlan(failCount: 2, failStatus: 502, afterRequests: 2), codes: [0]),
        Fault(name: "500s on every inventory push", plan: FaultPlan(failCount: 40, failStatus: 500, pathPrefix: "/v2/bulk-inventory"), codes: [3, 69]),
        Fault(name: "connections cut mid-response", plan: FaultPlan(cutCount: 2), codes: [0]),
        Fault(name: "malformed JSON", plan: FaultPlan(malformedCount: 1), codes: [0, 3, 69]),
        Fault(name: "timeouts", plan: FaultPlan(latencyMilliseconds: 2_500), codes: [69]),
        Fault(name: "token revoked mid-run", plan: FaultPlan(failCount: 100, failStatus: 401, afterRequests: 3), codes: [69]),
    ]

    static let skus = 120

    @Test(arguments: faults)
    func faultThenRerun(_ fault: Fault) async throws {
        var config = SandboxConfiguration()
        config.token = "fault-token"
        config.seedOrders = 25
        config.creditLimit = 100_000
        let sandbox = try await JoorSandboxServer(configuration: config)
        try await sandbox.start()
        defer { Task { await sandbox.stop() } }
        await WatchTests.register(sandbox, rows: Self.skus, first: 7_000)
        let dir = try TemporaryDirectory("fault")
        try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml", "inventory-csv.yml"])
        try dir.write("joorbridge.yml", text: """
        version: 1
        joor: { token_env: FAULT_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000, request_timeout_seconds: 1 }
        state: ./state/joorbridge.sqlite
        orders: { mapping: mappings/orders-csv-lines.yml, order_status: all, page_size: 10 }
        inventory: { mapping: mappings/inventory-csv.yml, include: ["stock_*.csv"], settle_seconds: 0, batch_size: 25, max_attempts: 5 }
        """)
        try dir.write("inbox/stock_1.csv", text: WatchTests.stock(rows: Self.skus, first: 7_000, quantity: 6))
        let env = ["FAULT_TOKEN": "fault-token"]

        await sandbox.state.plan(fault.plan)
        let faulty = try await Executable.run(["run", "--report", "faulty.json"], in: dir.path, environment: env, timeout: 180)
        #expect(fault.codes.contains(faulty.status), "\(fault.name): exit \(faulty.status)\n\(faulty.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("faulty.json")))) as? [String: Any]
        #expect(report?["exitCode"] as? Int == Int(faulty.status), "the report says what the exit code says")
        if faulty.status != 0 {
            #expect(faulty.stderr.contains("failed"), "the summary names the failed job: \(faulty.stderr)")
            #expect(!faulty.stderr.contains("fault-token"))
        }

        await sandbox.state.plan(FaultPlan())
        let rerun = try await Executable.run(["run"], in: dir.path, environment: env, timeout: 180)
        #expect(rerun.status == 0, "\(fault.name): the rerun after the fault cleared: \(rerun.stderr)")

        // Every order JOOR handed out (marked exported) was delivered exactly once, except those
        // without a customer code, skipped as configured.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")).filter { $0.hasPrefix("ORD_") }
        let ids = files.map { $0.split(separator: "_")[1] }
        let orders = await sandbox.state.allOrders()
        #expect(Set(ids).count == ids.count, "\(fault.name): an order was delivered twice: \(ids.sorted())")
        let deliverable = orders.filter { $0.exported && !($0.order.customerCode ?? "").isEmpty }
        #expect(deliverable.count >= 15)
        #expect(Set(ids.map(String.init)) == Set(deliverable.map(\.id)), "\(fault.name): every order delivered")
        #expect(!files.contains { $0.hasPrefix(".") })

        // Every SKU has the file's quantity; the file was archived once.
        let stock = await sandbox.state.allStock()
        #expect(stock.count == Self.skus && stock.allSatisfy { $0.inventory == 6 }, "\(fault.name): \(stock.count) positions")
        let archived = try FileManager.default.subpathsOfDirectory(atPath: dir.path("archive")).filter { $0.hasSuffix(".csv") }
        #expect(archived.count == 1)
    }
}
