import Foundation
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// Routes and held orders through the binary: one install serves two warehouses, each order
/// exactly once in its own outbox; no order is marked exported in JOOR without being delivered or
/// held; a held order is delivered once JOOR has what it lacked, or on demand.
@Suite("Order routes and held orders", .serialized)
struct OrderRoutingTests {
    static let token = "route-token"
    static let env = ["ROUTE_TOKEN": token]

    static func workspace(_ sandbox: JoorSandboxServer, orders: String = "") throws -> TemporaryDirectory {
        try sandbox.ordersWorkspace(
            "routes", tokenEnv: "ROUTE_TOKEN",
            orders: """
                  routes:
                    - { name: main, when: { field: order.warehouse_code, equals: MAINDC }, outbox: ./wms-main }
                    - { name: eu, when: { field: order.warehouse_code, equals: EUDC }, outbox: ./wms-eu, mapping: mappings/orders-xml.yml }
                \(orders)
                """, mappings: ["orders-xml.yml"])
    }

    /// Order ids in a folder's order files (`ORD_<id>…`), one entry per file.
    static func orderFiles(_ dir: TemporaryDirectory, _ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path(folder))) ?? [])
            .filter { $0.hasPrefix("ORD_") && !$0.hasSuffix(".done") }
            .map { String($0.dropFirst(4).prefix { $0 != "_" && $0 != "." }) }
    }

    static func held(_ dir: TemporaryDirectory) async throws -> [[String: Any]] {
        let list = try await Executable.run(["orders", "list", "--held", "--json"], in: dir.path)
        #expect(list.status == 0, "\(list.stderr)")
        return try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test func twoWarehousesGoToTwoOutboxesExactlyOnceThroughAKillMatrix() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 80, creditLimit: 1_000_000)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            let matrix = KillMatrix(arguments: ["run", "orders"], directory: dir.path, environment: Self.env, seed: 4_242)
            let result = try await matrix.run(kills: 32) { batch in
                try await sandbox.state.add(OrderSeeder.orders(count: 14, seed: UInt64(batch) &* 31, firstID: 9_600_000 + batch * 100))
            }
            #expect(result.kills >= 30 && result.checkpointKills >= 20, "\(result)")
            let final = try await matrix.finish()
            #expect(final.status == 0, "\(final.stderr)")

            let orders = await sandbox.state.allOrders()
            let approved = orders.filter { $0.status == .approved }
            let deliverable = approved.filter { $0.order.customerCode != nil }
            let main = Self.orderFiles(dir, "wms-main")
            let eu = Self.orderFiles(dir, "wms-eu")
            #expect(Set(main).count == main.count && Set(eu).count == eu.count, "no order twice")
            #expect(Set(main) == Set(deliverable.filter { $0.order.warehouseCode == "MAINDC" }.map(\.id)))
            #expect(Set(eu) == Set(deliverable.filter { $0.order.warehouseCode == "EUDC" }.map(\.id)))
            #expect(!eu.isEmpty && !main.isEmpty)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: dir.path("wms-eu")).filter { $0.hasPrefix("ORD_") }.allSatisfy {
                    $0.hasSuffix(".xml")
                },
                "the eu route writes with its own mapping")
            // Nothing is marked exported in JOOR that was not delivered or held, and nothing twice.
            let held = Set(try await Self.held(dir).compactMap { $0["orderID"] as? String })
            for order in orders where order.exported {
                #expect(
                    main.contains(order.id) || eu.contains(order.id) || held.contains(order.id),
                    "order \(order.id) exported but neither delivered nor held")
                #expect(order.exportCount == 1, "order \(order.id) exported \(order.exportCount) times")
            }
            #expect(held == Set(approved.filter { $0.order.customerCode == nil }.map(\.id)))
        }
    }

    @Test func aHeldOrderIsDeliveredOnceJOORHasItsCustomerCodeOrOnDemand() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            var orders = OrderSeeder.orders(count: 3, seed: 5, firstID: 9_700_001)
            orders[0].order.fields["customer_code"] = ""
            orders[1].order.fields["customer_code"] = ""
            orders[2].order.fields["warehouse_code"] = "ASIADC"
            for i in orders.indices { orders[i].status = .approved }
            try await sandbox.state.add(orders)
            let dir = try Self.workspace(sandbox)
            let first = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.contains("3 held"), "\(first.stderr)")
            #expect(await sandbox.state.allOrders().allSatisfy(\.exported), "held orders were pulled (JOOR marked them exported)…")
            let held = try await Self.held(dir)
            #expect(held.count == 3, "…and are kept, not lost")
            #expect(held.contains { ($0["reason"] as? String)?.hasPrefix("no route takes it (warehouse ASIADC") == true })
            let status = try await Executable.run(["status"], in: dir.path)
            #expect(status.stdout.contains("3 order(s) held back"), "\(status.stdout)")
            let show = try await Executable.run(["orders", "show", "9700001"], in: dir.path)
            #expect(show.status == 0 && show.stdout.contains("held") && show.stdout.contains("no customer code"), "\(show.stdout)")

            // A buyer's customer code is added in JOOR: the next run delivers that order, only that one.
            #expect(try await sandbox.state.modify(orderID: "9700001", fields: ["customer_code": "HLB001"]))
            let second = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stderr.contains("1 held order(s) released"), "\(second.stderr)")
            #expect(Self.orderFiles(dir, "wms-main") == ["9700001"])

            // An operator delivers one on demand, through a route they name; twice delivers nothing more.
            let deliver = try await Executable.run(["orders", "deliver", "9700003", "--route", "main"], in: dir.path, environment: Self.env)
            #expect(deliver.status == 0, "\(deliver.stderr)")
            let again = try await Executable.run(["orders", "deliver", "9700003", "--route", "main"], in: dir.path, environment: Self.env)
            #expect(again.status == 0 && again.stderr.contains("1 already delivered"), "\(again.stderr)")
            #expect(Self.orderFiles(dir, "wms-main").sorted() == ["9700001", "9700003"])
            // Without --route, the first route that takes it; but a mapping that requires the customer
            // code refuses the order: exit 3 with the reason, and it waits as rejected (retried every run).
            let refused = try await Executable.run(["orders", "deliver", "9700002"], in: dir.path, environment: Self.env)
            #expect(refused.status == 3 && refused.stderr.contains("field 'CustomerCode': value '': is required but empty"), "\(refused.stderr)")
            #expect(Self.orderFiles(dir, "wms-main").sorted() == ["9700001", "9700003"])
            let rejected = try await Executable.run(["orders", "list", "--rejected"], in: dir.path)
            #expect(rejected.stdout.contains("9700002  rejected"), "\(rejected.stdout)")
            let unknown = try await Executable.run(["orders", "deliver", "1"], in: dir.path, environment: Self.env)
            #expect(unknown.status == 64 && unknown.stderr.contains("error: order 1 is not in the ledger"), "a usage error: \(unknown.stderr)")
            let noRoute = try await Executable.run(["orders", "deliver", "9700002", "--route", "nosuch"], in: dir.path, environment: Self.env)
            #expect(
                noRoute.status == 64 && noRoute.stderr.contains("error: there is no route 'nosuch'; the routes are main, eu"), "\(noRoute.stderr)")
            let shown = try await Executable.run(["orders", "show", "1"], in: dir.path)
            #expect(
                shown.status == 64 && shown.stderr.contains("order 1 is not in the ledger"), "an id JOOR never sent is a usage error: \(shown.stderr)"
            )
            #expect(try await Self.held(dir).isEmpty)
        }
    }

    /// A cancellation goes where its order went, even when the order would now take another
    /// route: that WMS has it. A dry run shows the same.
    @Test func aCancellationGoesThroughTheRouteThatDeliveredItsOrder() async throws {
        try await withSandbox(token: Self.token) { sandbox in
            var orders = CancellationTests.approved(2, seed: 6, firstID: 9_900_301)
            orders[0].order.fields["warehouse_code"] = "EUDC"
            orders[1].order.fields["warehouse_code"] = "MAINDC"
            try await sandbox.state.add(orders)
            let dir = try sandbox.ordersWorkspace(
                "route-cancellation", tokenEnv: "ROUTE_TOKEN",
                orders: """
                      deliver_cancellations: true
                      cancellations_mapping: mappings/orders-cancellation-csv.yml
                      routes:
                        - { name: main, when: { field: order.warehouse_code, equals: MAINDC }, outbox: ./wms-main }
                        - { name: eu, when: { field: order.warehouse_code, equals: EUDC }, outbox: ./wms-eu }
                    """, mappings: ["orders-cancellation-csv.yml"])
            #expect(try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env).status == 0)
            // JOOR moves the EU order to the main warehouse, and cancels it.
            #expect(try await sandbox.state.modify(orderID: "9900301", fields: ["warehouse_code": "MAINDC"], status: .cancelled))
            let killed = try await Executable.run(
                ["run", "orders"], in: dir.path, environment: Self.env.merging(["JOORBRIDGE_CRASH_AT": "cancellations journaled"]) { $1 })
            #expect(killed.status != 0, "\(killed.stderr)")
            let dry = try await Executable.run(["run", "orders", "--dry-run"], in: dir.path, environment: Self.env)
            #expect(dry.stdout.contains("==> eu/CANCEL_9900301.csv <=="), "\(dry.stdout)")
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            func cancellations(_ folder: String) -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: dir.path(folder))) ?? []).filter { $0.hasPrefix("CANCEL_") }
            }
            #expect(cancellations("wms-eu") == ["CANCEL_9900301.csv"] && cancellations("wms-main").isEmpty)
        }
    }
}
