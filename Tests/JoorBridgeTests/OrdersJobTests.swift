import Foundation
import JoorModels
import Logging
import TestSupport
import Testing

@testable import JoorBridge
@testable import JoorSandbox

/// A sandbox, a work folder with a config and the shipped mappings, and a way to run jobs.
struct BridgeHarness: TestResource {
    let sandbox: JoorSandboxServer
    let dir: TemporaryDirectory
    let logs = LogCapture()

    static let token = "bridge-test-token-42"

    static func start(seedOrders: Int, ordersSection: String = "", mapping: String = "orders-csv-lines.yml") async throws -> BridgeHarness {
        var config = SandboxConfiguration()
        config.token = token
        config.seedOrders = seedOrders
        let sandbox = try await JoorSandboxServer(configuration: config)
        try await sandbox.start()
        let dir = try TemporaryDirectory("bridge")
        try dir.copyMappings(Array(Set(["orders-csv-lines.yml", "customers-csv.yml", "orders-xml.yml", mapping])))
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor:
                  token_env: TEST_JOOR_TOKEN
                  base_url: \(sandbox.baseURL)
                folders:
                  outbox: ./outbox
                state: ./state/joorbridge.sqlite
                orders:
                  mapping: mappings/\(mapping)
                  customers_mapping: mappings/customers-csv.yml
                  page_size: 20
                \(ordersSection)
                """)
        return BridgeHarness(sandbox: sandbox, dir: dir)
    }

    func run(_ jobs: [Job] = [.orders], dryRun: Bool = false, since: Date? = nil) async throws -> RunOutcome {
        let config = try BridgeConfig.load(path: dir.path("joorbridge.yml"), environment: ["TEST_JOOR_TOKEN": Self.token])
        return await Bridge(config: config, logger: logs.logger(), environment: ["TEST_JOOR_TOKEN": Self.token]).run(
            jobs: jobs, dryRun: dryRun, since: since)
    }

    /// Order ids in the outbox, one entry per order file (duplicates would show twice).
    func deliveredOrderIDs() throws -> [String] {
        try outboxFiles().filter { $0.hasPrefix("ORD_") }.map { String($0.dropFirst(4).prefix { $0 != "_" && $0 != "." }) }
    }

    func outboxFiles() throws -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")))?.sorted() ?? []
    }

    /// Ids of sandbox orders the default settings deliver: approved, with a customer code.
    func eligibleOrderIDs() async -> [String] {
        await sandbox.state.allOrders().filter { $0.status == .approved && $0.order.customerCode != nil }.map(\.id)
    }

    func stop() async { await sandbox.stop() }
}

@Suite("Order download", .serialized)
struct OrdersJobTests {
    /// JOOR carries out a sync pull (marking a page exported) but the answer never arrives.
    /// Retrying would return the next page and lose this one for good; the job catches up instead.
    @Test(arguments: [1, 3])
    func aLostAnswerToASyncPullLosesNoOrder(lostPage: Int) async throws {
        try await using(try await BridgeHarness.start(seedOrders: 120)) { h async throws in
            await h.sandbox.state.plan(FaultPlan(pathPrefix: "/v2/order", afterRequests: lostPage - 1, loseAnswerCount: 1, queryContains: "sync=1"))
            let outcome = try await h.run()
            #expect(outcome.status == .done, "\(outcome.summaryText)")
            let delivered = try h.deliveredOrderIDs()
            #expect(Set(delivered).count == delivered.count, "no order twice")
            #expect(Set(delivered) == Set(await h.eligibleOrderIDs()), "every order, in the same run")
            #expect(outcome.jobs.first?.orders?.catchUp == true)
            #expect(h.logs.text.contains("catching up before going on"))
            let again = try await h.run()
            #expect(again.jobs.first?.orders?.delivered == 0)
        }
    }

    /// Orders last changed before `catch_up_days` (a first install, an integration that stopped
    /// weeks ago) that the look ahead expected are found however old they are: the limit is for
    /// orders the ledger never saw, not for those it knows a lost answer took.
    @Test func aLostAnswerLosesNoExpectedOrderOlderThanCatchUpDays() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 0)) { h async throws in
            let weeksAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-20 * 86_400))
            try await h.sandbox.state.add(
                OrderSeeder.orders(count: 30, seed: 5, firstID: 9_600_001).map {
                    var order = $0
                    order.status = .approved
                    order.order.fields["date_modified"] = weeksAgo
                    return order
                })
            await h.sandbox.state.plan(FaultPlan(pathPrefix: "/v2/order", loseAnswerCount: 1, queryContains: "sync=1"))
            let outcome = try await h.run()
            #expect(outcome.jobs.first?.orders?.catchUp == true)
            let delivered = try h.deliveredOrderIDs()
            #expect(Set(delivered).count == delivered.count, "no order twice")
            #expect(Set(delivered) == Set(await h.eligibleOrderIDs()), "every order, the 20 of the lost page too")
        }
    }

    /// An order JOOR sends without `order_id` is held under a key of its own, with the reason;
    /// before, the first was filed under "" and every later one dropped as its duplicate.
    @Test func ordersWithoutAnOrderIDAreEachHeldNotDroppedAsDuplicates() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 5)) { h async throws in
            let nameless = OrderSeeder.orders(count: 2, seed: 8, firstID: 9_700_001).map {
                var order = $0
                order.status = .approved
                order.order.fields["order_id"] = nil
                return order
            }
            try await h.sandbox.state.add(nameless)
            let outcome = try await h.run()
            #expect(outcome.status == .done, "\(outcome.summaryText)")
            let ledger = try Ledger(path: h.dir.path("state/joorbridge.sqlite"))
            let held = try ledger.orders(in: [.held]).filter { $0.reason == Ledger.noOrderIDReason }
            #expect(held.count == 2, "\(held.map(\.orderID))")
            #expect(held.allSatisfy { $0.orderID.hasPrefix("no-order-id-") })
            #expect(try h.deliveredOrderIDs().allSatisfy { !$0.isEmpty })
        }
    }

    /// Reading back 25 days for an expected order lets in no order the ledger did not expect from
    /// before `catch_up_days`: one another integration exported 17 days ago stays its own, even
    /// when the unfinished run began 21 days ago.
    @Test func aCatchUpReadingFarBackForAnExpectedOrderTakesNoOlderUnexpectedOne() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 0)) { h async throws in
            func daysAgo(_ days: Double) -> String { ISO8601DateFormatter().string(from: Date().addingTimeInterval(-days * 86_400)) }
            var orders = OrderSeeder.orders(count: 2, seed: 21, firstID: 9_800_001)
            for (index, age) in [25.0, 17.0].enumerated() {
                orders[index].status = .approved
                orders[index].exported = true
                orders[index].order.fields["date_modified"] = daysAgo(age)
                orders[index].order.fields["customer_code"] = "HLB001"
            }
            try await h.sandbox.state.add(orders)
            let ledger = try Ledger(path: h.dir.path("state/joorbridge.sqlite"))
            try ledger.expect([orders[0].order])  // the lost pull's look ahead saw it
            try ledger.set("orders.running_since", daysAgo(21))
            let outcome = try await h.run()
            #expect(outcome.jobs.first?.orders?.catchUp == true)
            #expect(try h.deliveredOrderIDs() == ["9800001"], "the expected order only: \(outcome.summaryText)")
        }
    }

    @Test func fiveHundredOrdersOverManyPagesArriveOnceAndASecondRunDeliversNothing() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 500)) { h async throws in
            let first = try await h.run()
            #expect(first.status == .done, "\(first.summaryText)")
            let eligible = await h.eligibleOrderIDs()
            let delivered = try h.deliveredOrderIDs()
            #expect(delivered.count == eligible.count)
            #expect(Set(delivered) == Set(eligible))
            #expect(first.jobs.first?.orders?.pages ?? 0 >= 15, "page size 20")
            #expect(try h.outboxFiles().filter { $0.hasPrefix("CUST_") }.count == eligible.count)
            let second = try await h.run()
            #expect(second.jobs.first?.orders?.delivered == 0)
            #expect(try h.deliveredOrderIDs().count == eligible.count)
            #expect(try h.outboxFiles().allSatisfy { !$0.hasPrefix(".") }, "no temporary file is left")
        }
    }

    /// Orders left out by the customer-code and warehouse filters are held in the ledger with
    /// their reason, every one of them, and none is delivered.
    @Test func filteredOrdersAreHeldWithTheirReason() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 60, ordersSection: "  warehouse_code: MAINDC\n  order_status: all\n")) {
            h async throws in
            let outcome = try await h.run()
            let all = await h.sandbox.state.allOrders().filter { $0.status != .cancelled }
            let expected = all.filter { $0.order.customerCode != nil && $0.order.warehouseCode == "MAINDC" }.map(\.id)
            #expect(Set(try h.deliveredOrderIDs()) == Set(expected))
            #expect(outcome.jobs.first?.orders?.held == all.count - expected.count)
            let ledger = try Ledger(path: h.dir.path("state/joorbridge.sqlite"))
            let held = try ledger.orders(in: [.held])
            #expect(Set(held.map(\.orderID)) == Set(all.map(\.id)).subtracting(expected), "every order not delivered is held")
            #expect(
                held.allSatisfy { entry in
                    entry.order.customerCode == nil
                        ? entry.reason?.hasPrefix("no customer code") == true : entry.reason?.hasPrefix("warehouse EUDC is not MAINDC") == true
                })
        }
    }

    /// go_live is the modified-date window of every pull: orders JOOR last changed before it are
    /// never asked for, so never marked exported (another integration can still take them).
    @Test func goLiveKeepsOlderOrdersOutAndUnexported() async throws {
        let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400)).prefix(10)
        try await using(try await BridgeHarness.start(seedOrders: 10, ordersSection: "  go_live: \(tomorrow)\n")) { h async throws in
            let outcome = try await h.run()
            #expect(outcome.status == .done)
            #expect(try h.deliveredOrderIDs().isEmpty)
            #expect(await h.sandbox.state.allOrders().allSatisfy { !$0.exported }, "nothing marked exported")
            let queries = await h.sandbox.state.requestLog.map(\.query)
            #expect(
                !queries.isEmpty && queries.allSatisfy { $0.contains("date_start=\(tomorrow)") }, "every pull carries the go-live window: \(queries)")
        }
    }

    @Test func aMappingFailureIsRecordedThenDeliveredOnceTheMappingIsFixed() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 0)) { h async throws in
            var order = OrderSeeder.orders(count: 1, seed: 7)[0]
            order.order.fields["customer_purchase_order"] = ""
            try await h.sandbox.state.add([order])
            let first = try await h.run()
            #expect(first.status == .partial)
            #expect(first.jobs.first?.orders?.rejected[order.id]?.contains("PONumber") == true)
            #expect(try h.deliveredOrderIDs().isEmpty)
            let again = try await h.run()
            #expect(again.status == .partial, "still rejected: retried on each run")
            // Fix the mapping: the PO number is no longer required.
            let mappingPath = h.dir.path("mappings/orders-csv-lines.yml")
            let text = try String(contentsOfFile: mappingPath, encoding: .utf8).replacingOccurrences(
                of: "from: order.customer_purchase_order, required: true", with: "from: order.customer_purchase_order")
            try text.write(toFile: mappingPath, atomically: true, encoding: .utf8)
            let fixed = try await h.run()
            #expect(fixed.status == .done)
            #expect(try h.deliveredOrderIDs() == [order.id])
        }
    }

    /// A value the order file cannot hold (a character its encoding lacks, a control character
    /// in XML) rejects that order when it is rendered; the writer used to refuse the file instead,
    /// which ended every run before the others were delivered.
    @Test(arguments: [
        ("orders-csv-lines.yml", "encoding: utf-8", "encoding: windows-1252", "Danke 🙂", "cannot be written in windows-1252"),
        ("orders-xml.yml", "encoding: utf-8", "encoding: utf-8", "Danke\u{1}", "control character U+1 cannot appear in XML"),
    ])
    func anOrderItsFileCannotHoldIsRejectedAndTheOthersAreDelivered(
        mapping: String, setting: String, replacement: String, comment: String, reason: String
    ) async throws {
        try await using(try await BridgeHarness.start(seedOrders: 0, mapping: mapping)) { h async throws in
            let path = h.dir.path("mappings/\(mapping)")
            try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: setting, with: replacement).write(
                toFile: path, atomically: true, encoding: .utf8)
            var orders = OrderSeeder.orders(count: 3, seed: 11).filter { $0.status == .approved && $0.order.customerCode != nil }
            try #require(orders.count >= 2)
            orders[0].order.fields["order_comments"] = comment
            try await h.sandbox.state.add(orders)
            let first = try await h.run()
            #expect(first.status == .partial, "\(first.summaryText)")
            #expect(first.jobs.first?.orders?.rejected[orders[0].id]?.contains(reason) == true, "\(first.summaryText)")
            #expect(Set(try h.deliveredOrderIDs()) == Set(orders.dropFirst().map(\.id)), "the others are delivered")
            #expect(try await h.run().status == .partial, "the next run goes through too, the order still rejected")
        }
    }

    /// A run's file that cannot be written as a whole (its order count too wide for the header's
    /// column, which no order alone shows) leaves its orders rejected, retried each run, and the
    /// run ends instead of failing; once the column is wide enough they are delivered.
    @Test func aRunsFileThatCannotBeWrittenLeavesItsOrdersRejectedNotTheRunFailed() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 30, mapping: "orders-fixed-header-trailer.yml")) { h async throws in
            let path = h.dir.path("mappings/orders-fixed-header-trailer.yml")
            let wide = "{ name: Orders,  from: run.order_count, width: 6, align: right, pad: \"0\" }\n  - { name: Run"
            let original = try String(contentsOfFile: path, encoding: .utf8)
            try #require(original.contains(wide))
            try original.replacingOccurrences(of: wide, with: wide.replacingOccurrences(of: "width: 6", with: "width: 1")).write(
                toFile: path, atomically: true, encoding: .utf8)
            let eligible = await h.eligibleOrderIDs()
            try #require(eligible.count >= 10, "more orders than one digit counts")
            let first = try await h.run()
            #expect(first.status == .partial, "\(first.summaryText)")
            let rejected = first.jobs.first?.orders?.rejected ?? [:]
            #expect(Set(rejected.keys) == Set(eligible), "\(first.summaryText)")
            #expect(
                rejected.values.allSatisfy { $0.contains("its file cannot be written") && $0.contains("Orders") }, "\(rejected.values.first ?? "")")
            let left = try h.outboxFiles()
            #expect(left.isEmpty, "no order or customer file, no temporary: \(left)")
            try original.write(toFile: path, atomically: true, encoding: .utf8)
            let fixed = try await h.run()
            #expect(fixed.status == .done, "\(fixed.summaryText)")
            #expect(fixed.jobs.first?.orders?.delivered == eligible.count)
        }
    }

    @Test func amendmentsAreOnlyDeliveredWhenAskedFor() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 10)) { h async throws in
            _ = try await h.run()
            let id = try #require(try h.deliveredOrderIDs().first)
            #expect(try await h.sandbox.state.modify(orderID: id, fields: ["order_comments": "please add 2 more"]))
            _ = try await h.run()
            #expect(try h.outboxFiles().filter { $0.contains("AMD") }.isEmpty, "by default an order changed after delivery is not sent again")
            // Turn amendments on.
            let configPath = h.dir.path("joorbridge.yml")
            try (try String(contentsOfFile: configPath, encoding: .utf8) + "  deliver_amendments: true\n").write(
                toFile: configPath, atomically: true, encoding: .utf8)
            _ = try await h.sandbox.state.modify(orderID: id, fields: ["order_comments": "and one more"])
            let outcome = try await h.run()
            #expect(outcome.jobs.first?.orders?.amendments == 1)
            let amended = try h.outboxFiles().filter { $0.hasPrefix("ORD_\(id)_") && $0.contains("_AMD1") }
            #expect(amended.count == 1)
            let content = try String(contentsOfFile: h.dir.path("outbox/\(amended[0])"), encoding: .utf8)
            #expect(content.contains("and one more"))
        }
    }

    /// An amendment goes where its order went, whatever JOOR changed: the EU warehouse has the
    /// order, so it hears of the change, even when the change is the warehouse itself.
    @Test func anAmendmentGoesThroughTheRouteThatDeliveredItsOrder() async throws {
        let routes = """
              deliver_amendments: true
              routes:
                - { name: eu, when: { field: order.warehouse_code, equals: EUDC }, outbox: ./wms-eu }
                - { name: main, outbox: ./wms-main }

            """
        try await using(try await BridgeHarness.start(seedOrders: 10, ordersSection: routes)) { h async throws in
            _ = try await h.run()
            let euOrders = { (try? FileManager.default.contentsOfDirectory(atPath: h.dir.path("wms-eu"))) ?? [] }
            let delivered = try #require(euOrders().first { $0.hasPrefix("ORD_") })
            let id = String(delivered.dropFirst(4).prefix { $0 != "_" && $0 != "." })
            #expect(try await h.sandbox.state.modify(orderID: id, fields: ["warehouse_code": "MAINDC"]))
            let outcome = try await h.run()
            #expect(outcome.jobs.first?.orders?.amendments == 1, "\(outcome.summaryText)")
            #expect(euOrders().contains { $0.hasPrefix("ORD_\(id)_") && $0.contains("_AMD1") }, "\(euOrders())")
            let main = (try? FileManager.default.contentsOfDirectory(atPath: h.dir.path("wms-main"))) ?? []
            #expect(!main.contains { $0.hasPrefix("ORD_\(id)") }, "the main warehouse never had the order")
        }
    }

    /// A temporary in the outbox this install did not note before writing it is another
    /// writer's (a second install delivering into the same WMS folder): it is never removed.
    /// Removed, the other install took its order for published. This install's own leftover
    /// from a crash (noted, then never recorded with an order) is removed.
    @Test func onlyThisInstallsLeftoverTemporariesAreRemoved() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 3)) { h async throws in
            _ = try await h.run()
            // Published, a name's temporary is no longer this install's: the next one of that
            // name in the folder may be another install's.
            #expect(try Ledger(path: h.dir.path("state/joorbridge.sqlite")).notedTemporaries().isEmpty)
            let foreign = try h.dir.write("outbox/.ORD_8800777.csv.tmp", text: "being written by another install")
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: foreign)
            let own = try h.dir.write("outbox/.ORD_8800778.csv.tmp", text: "written before a crash")
            try Ledger(path: h.dir.path("state/joorbridge.sqlite")).noteTemporaries([own])
            let outcome = try await h.run()
            #expect(outcome.status == .done, "\(outcome.summaryText)")
            #expect(FileManager.default.fileExists(atPath: foreign), "another writer's file, however old")
            #expect(!FileManager.default.fileExists(atPath: own), "this install's leftover")
        }
    }

    @Test func dryRunChangesNothing() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 10)) { h async throws in
            let outcome = try await h.run(dryRun: true)
            #expect(outcome.status == .done)
            #expect((outcome.jobs.first?.orders?.delivered ?? 0) > 0)
            #expect(try h.outboxFiles().isEmpty)
            #expect(await h.sandbox.state.allOrders().allSatisfy { !$0.exported })
            let real = try await h.run()
            #expect(real.jobs.first?.orders?.delivered == outcome.jobs.first?.orders?.delivered)
        }
    }

    @Test func lostOrdersAreFoundByTheCatchUpAfterACrash() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 30)) { h async throws in
            // A first run delivers everything; then JOOR exports ten more orders whose answer is lost
            // (as if joorbridge died right after JOOR answered), and the run is left marked running.
            _ = try await h.run()
            let extra = OrderSeeder.orders(count: 10, seed: 99, firstID: 9_200_001).map {
                var o = $0
                o.status = .approved
                return o
            }
            try await h.sandbox.state.add(extra)
            _ = try await h.sandbox.state.listOrders(["sync": "1", "order_type": "6", "count": "100"])
            let ledger = try Ledger(path: h.dir.path("state/joorbridge.sqlite"))
            try ledger.set("orders.running_since", "2026-01-01T00:00:00Z")
            let outcome = try await h.run()
            let report = try #require(outcome.jobs.first?.orders)
            #expect(report.catchUp)
            let lost = extra.filter { $0.order.customerCode != nil }.map(\.id)
            #expect(report.caughtUp == extra.count, "every lost order is found: delivered, or held for its missing customer code")
            #expect(report.held == extra.count - lost.count)
            #expect(Set(lost).isSubset(of: Set(try h.deliveredOrderIDs())))
            #expect(try ledger.value("orders.running_since") == nil)
        }
    }

    @Test func secondRunExits75WhileTheLockIsHeld() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 1)) { h async throws in
            let lock = RunLock(path: h.dir.path("state/joorbridge.sqlite.lock"))
            try lock.acquire()
            let outcome = try await h.run()
            #expect(outcome.status == .locked)
            #expect(outcome.error?.contains("pid \(getpid())") == true)
            lock.release()
            #expect(try await h.run().status == .done)
        }
    }

    @Test func wrongTokenExits69AndTheTokenIsNotLogged() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 1)) { h async throws in
            let config = try BridgeConfig.load(path: h.dir.path("joorbridge.yml"), environment: ["TEST_JOOR_TOKEN": "not-the-token"])
            let outcome = await Bridge(config: config, logger: h.logs.logger(), environment: ["TEST_JOOR_TOKEN": "not-the-token"]).run(jobs: [.orders]
            )
            #expect(outcome.status == .unavailable)
            #expect(outcome.summaryText.contains("JOOR rejected the API token"))
            #expect(!h.logs.text.contains("not-the-token") && !outcome.summaryText.contains("not-the-token"))
        }
    }

    /// XML files go through the same publish as CSV (the crash tests cover its atomicity): one
    /// complete document per order, and no temporary left beside them.
    @Test func xmlOrderFilesAreCompleteOnePerOrderWithNoTemporaryLeft() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 5, mapping: "orders-xml.yml")) { h async throws in
            #expect(try await h.run().status == .done)
            let xml = try h.outboxFiles().filter { $0.hasSuffix(".xml") }
            #expect(xml.count == (await h.eligibleOrderIDs()).count && !xml.isEmpty)
            #expect(Set(try h.deliveredOrderIDs()) == Set(await h.eligibleOrderIDs()))
            #expect(try h.outboxFiles().allSatisfy { !$0.hasPrefix(".") }, "no temporary left")
            for file in xml {
                #expect(try String(contentsOfFile: h.dir.path("outbox/\(file)"), encoding: .utf8).hasSuffix("</Orders>\n"))
            }
        }
    }
}

@Suite("Outbox")
struct OutboxTests {
    @Test func neverOverwritesAndCountsUp() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(directory: dir.path)
        try dir.write("ORD_1.csv", text: "existing")
        #expect(outbox.freeName("ORD_1.csv") == "ORD_1_2.csv")
        let temp = try outbox.writeTemporary(for: "ORD_1.csv") { try $0.write("new") }
        #expect(temp == ".ORD_1.csv.tmp")
        #expect(throws: (any Error).self) { try outbox.publish(temp: temp, as: "ORD_1.csv") }
        #expect(try String(contentsOfFile: dir.path("ORD_1.csv"), encoding: .utf8) == "existing")
        try outbox.publish(temp: temp, as: "ORD_1_2.csv")
        #expect(try String(contentsOfFile: dir.path("ORD_1_2.csv"), encoding: .utf8) == "new")
        #expect(try outbox.leftoverTemporaries().isEmpty)
        // Publishing again after a crash (temporary already renamed) is a no-op.
        try outbox.publish(temp: temp, as: "ORD_1_2.csv")
    }

    /// A crash between publishing's link() and unlink() leaves both names on one file; finishing
    /// the publish must succeed (found by the SIGKILL test at a random moment).
    @Test func aPublishInterruptedBetweenLinkAndUnlinkIsFinished() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(directory: dir.path)
        let temp = try outbox.writeTemporary(for: "ORD_9.csv") { try $0.write("order 9") }
        #expect(link(dir.path(temp), dir.path("ORD_9.csv")) == 0)
        try outbox.publish(temp: temp, as: "ORD_9.csv")
        #expect(!FileManager.default.fileExists(atPath: dir.path(temp)))
        #expect(try String(contentsOfFile: dir.path("ORD_9.csv"), encoding: .utf8) == "order 9")
        // A different file under the final name is still never replaced.
        let other = try outbox.writeTemporary(for: "ORD_9.csv") { try $0.write("another") }
        #expect(throws: (any Error).self) { try outbox.publish(temp: other, as: "ORD_9.csv") }
    }

    @Test func doneMarkerFollowsTheFile() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(directory: dir.path, tempPattern: "{name}.partial", doneMarker: true)
        let temp = try outbox.writeTemporary(for: "A.csv") { try $0.write("x") }
        #expect(temp == "A.csv.partial")
        try outbox.publish(temp: temp, as: "A.csv")
        #expect(FileManager.default.fileExists(atPath: dir.path("A.csv.done")))
    }
}

@Suite("Order download into one file per run", .serialized)
struct PerRunFileTests {
    @Test func allOrdersOfARunGoIntoOneFile() async throws {
        try await using(try await BridgeHarness.start(seedOrders: 30)) { h async throws in
            let mappingPath = h.dir.path("mappings/orders-csv-lines.yml")
            let text = try String(contentsOfFile: mappingPath, encoding: .utf8)
                .replacingOccurrences(of: "per: order", with: "per: run")
                .replacingOccurrences(of: "ORD_{order.order_id}_{now:yyyyMMddHHmmss}.csv", with: "ORD_RUN_{run.id}.csv")
            try text.write(toFile: mappingPath, atomically: true, encoding: .utf8)
            let outcome = try await h.run()
            #expect(outcome.status == .done, "\(outcome.summaryText)")
            let runFiles = try h.outboxFiles().filter { $0.hasPrefix("ORD_RUN_") }
            #expect(runFiles.count == 1)
            let content = try String(contentsOfFile: h.dir.path("outbox/\(runFiles[0])"), encoding: .utf8)
            let eligible = await h.eligibleOrderIDs()
            for id in eligible { #expect(content.contains("\r\n\(id),")) }
            #expect(try await h.run().jobs.first?.orders?.delivered == 0)
            #expect(try h.outboxFiles().filter { $0.hasPrefix("ORD_RUN_") }.count == 1)
        }
    }
}
