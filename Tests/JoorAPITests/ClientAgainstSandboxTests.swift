import AsyncHTTPClient
import Foundation
import JoorModels
import Logging
import NIOFoundationCompat
import TestSupport
import Testing

@testable import JoorAPI
@testable import JoorSandbox

/// A sandbox on a free loopback port and a client pointed at it.
struct SandboxHarness: TestResource {
    let server: JoorSandboxServer
    let client: JoorClient
    let logs: LogCapture

    static let token = "s3cr3t-token-0123456789abcdef"

    static func start(
        seedOrders: Int = 0, dataDirectory: String? = nil, creditLimit: Int = 300, creditWindow: Double = 300,
        clientBudget: CreditBudget? = nil, token: String = token, timeout: Duration = .seconds(10), attempts: Int = 4,
        answers: Answers = Answers(), seededUntil: Date? = nil
    ) async throws -> SandboxHarness {
        var config = SandboxConfiguration()
        config.answers = answers
        config.seededUntil = seededUntil
        config.token = Self.token
        config.seedOrders = seedOrders
        config.dataDirectory = dataDirectory
        config.creditLimit = creditLimit
        config.creditWindowSeconds = creditWindow
        config.jobPollsToFinish = 2
        let server = try await JoorSandboxServer(configuration: config)
        try await server.start()
        var options = JoorClient.Options(
            endpoint: .local(server.baseURL), token: Secret(token),
            budget: clientBudget ?? CreditBudget(limit: creditLimit, window: .milliseconds(Int64(creditWindow * 1000))))
        options.retry = RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(20), maxDelay: .milliseconds(200), maxRateLimitWait: .seconds(2))
        options.requestTimeout = timeout
        options.jobPollInterval = .milliseconds(20)
        let logs = LogCapture()
        return SandboxHarness(server: server, client: JoorClient(options: options, logger: logs.logger()), logs: logs)
    }

    func faults(_ plan: FaultPlan) async { await server.state.plan(plan) }
    func stop() async { await server.stop() }
}

@Suite("JOOR client against the sandbox", .serialized)
struct ClientAgainstSandboxTests {
    /// Whatever `next_start` means during a sync pull (start + count, or the same offset again),
    /// every order arrives once, in one pull.
    @Test(arguments: Answers.NextStart.allCases)
    func thousandOrdersOverManyPagesArriveOnceAndASecondSyncIsEmpty(nextStart: Answers.NextStart) async throws {
        var answers = Answers()
        answers.nextStart = nextStart
        // Sync pulls are not retried after a timeout (a lost answer would lose a page), so give a loaded machine room.
        try await using(try await SandboxHarness.start(seedOrders: 1000, timeout: .seconds(120), answers: answers)) { h async throws in
            var ids: [String] = []
            let pages = try await h.client.orders(OrdersQuery(orderType: 8, sync: true, count: 100)) { page in ids += page.orders.map(\.id) }
            #expect(ids.count == 1000)
            #expect(Set(ids).count == 1000)
            #expect(pages == 10, "⌈1000 / 100⌉ reads")
            var again: [String] = []
            try await h.client.orders(OrdersQuery(orderType: 8, sync: true, count: 100)) { again += $0.orders.map(\.id) }
            #expect(again.isEmpty)
            let exported = await h.server.state.allOrders()
            #expect(exported.allSatisfy { $0.exported && $0.exportCount == 1 })
        }
    }

    /// Whether `response.count` is the total or this page's size, a read-only pull reads every page.
    @Test(arguments: [true, false])
    func readOnlyPullPagesAndMarksNothing(countIsTotal: Bool) async throws {
        var answers = Answers()
        answers.ordersCountIsTotal = countIsTotal
        try await using(try await SandboxHarness.start(seedOrders: 120, answers: answers)) { h async throws in
            var ids: [String] = []
            let pages = try await h.client.orders(OrdersQuery(orderType: 8, sync: false, count: 50)) { ids += $0.orders.map(\.id) }
            #expect(ids.count == 120 && Set(ids).count == 120)
            #expect(pages == 3)
            #expect(await h.server.state.allOrders().allSatisfy { !$0.exported })
        }
    }

    @Test func orderTypeExportStatusAndCustomerFilters() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 50)) { h async throws in
            let all = await h.server.state.allOrders()
            let approved = try await h.client.ordersPage(OrdersQuery(orderType: 6, sync: false, count: 1000))
            #expect(approved.orders.count == all.filter { $0.status == .approved }.count)
            let hlb = try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false, customerCode: "HLB001", count: 1000))
            #expect(!hlb.orders.isEmpty && hlb.orders.allSatisfy { $0.customerCode == "HLB001" })
            _ = try await h.client.ordersPage(OrdersQuery(orderType: 6, sync: true, count: 5))
            let exported = try await h.client.ordersPage(OrdersQuery(orderType: 8, exportStatus: 3, sync: false, count: 1000))
            #expect(exported.orders.count == 5)
            #expect(try await h.server.state.modify(orderID: exported.orders[0].id))
            let modified = try await h.client.ordersPage(OrdersQuery(orderType: 8, exportStatus: 4, sync: false, count: 1000))
            #expect(modified.orders.map(\.id) == [exported.orders[0].id])
        }
    }

    /// JOOR's export check (joor-api.md 2.2, 2.3): with a mandatory field, a sync pull (check=1 by
    /// default) leaves out the orders lacking it and flags them Failed, not exported;
    /// export_status 2 still lists them, 6 does not; check=0 hands them over; once the field is
    /// filled in JOOR, the next sync pull hands the order over and the flag is gone.
    @Test func ordersFailingJoorsExportCheckAreLeftOutAndFlaggedFailed() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 0)) { h async throws in
            var orders = OrderSeeder.orders(count: 3, seed: 7, firstID: 9_300_001)
            for i in orders.indices { orders[i].status = .approved }
            orders[1].order.fields["customer_code"] = ""
            orders[2].order.fields["customer_code"] = nil
            try await h.server.state.add(orders)
            await h.server.state.requireExportFields(["customer_code"])
            let ids = orders.map(\.id)

            let pulled = try await h.client.ordersPage(OrdersQuery(orderType: 6, sync: true))
            #expect(pulled.orders.map(\.id) == [ids[0]])
            let flagged = await h.server.state.allOrders().filter { $0.failedReason != nil }
            #expect(flagged.map(\.id) == [ids[1], ids[2]] && flagged.allSatisfy { !$0.exported })
            #expect(flagged.first?.failedReason == "missing required export field(s): customer_code")
            #expect(try await h.client.ordersPage(OrdersQuery(orderType: 6, exportStatus: 2, sync: false)).orders.map(\.id) == [ids[1], ids[2]])
            #expect(try await h.client.ordersPage(OrdersQuery(orderType: 6, exportStatus: 6, sync: false)).orders.isEmpty)

            #expect(try await h.server.state.modify(orderID: ids[1], fields: ["customer_code": "HLB001"]))
            #expect(try await h.client.ordersPage(OrdersQuery(orderType: 6, sync: true)).orders.map(\.id) == [ids[1]])
            #expect(try await h.client.ordersPage(OrdersQuery(orderType: 6, sync: true, check: 0)).orders.map(\.id) == [ids[2]])
            #expect(await h.server.state.allOrders().allSatisfy { $0.exported && $0.failedReason == nil })
        }
    }

    /// Door codes and names are checked in the order's doors, the division code in its divisions.
    @Test func mandatoryDoorAndDivisionFieldsAreLookedForWhereTheyAre() {
        let order = JoorOrder(
            fields: ["order_id": "1", "customer_code": "HLB001"], lineItems: [], doors: [["door_code": "D01", "door_name": ""]],
            divisions: [["division_code": "WMN"]])
        #expect(SandboxState.has("door_codes", order) && !SandboxState.has("door_names", order))
        #expect(SandboxState.has("division_code", order) && SandboxState.has("customer_code", order) && !SandboxState.has("warehouse_code", order))
    }

    /// JOOR's docs name both forms of an orders answer (`Accept`: xml or json). A sandbox that
    /// answers XML whatever is asked hands the client the same orders as one answering JSON.
    @Test func anOrdersAnswerInXMLReadsAsTheSameOrders() async throws {
        var xml = Answers()
        xml.ordersAsXML = true
        // One clock for both, or an hour turning between their starts would date their orders apart.
        let now = Date()
        try await using(try await SandboxHarness.start(seedOrders: 30, answers: xml, seededUntil: now)) { x async throws in
            try await using(try await SandboxHarness.start(seedOrders: 30, seededUntil: now)) { j async throws in
                let query = OrdersQuery(orderType: 8, sync: false, count: 1000)
                let fromXML = try await x.client.ordersPage(query)
                let fromJSON = try await j.client.ordersPage(query)
                #expect(fromXML.orders.count == 30 && fromXML.response.count == 30)
                #expect(fromXML.orders == fromJSON.orders)
                #expect(await x.server.state.requestLog.count == 1)
            }
        }
        // Asked for with Accept, XML is what comes back; the page's envelope is JOOR's.
        let answer = try await SandboxState(configuration: SandboxConfiguration()).listOrders([:])
        let document = String(decoding: try SandboxXML.document(answer.body), as: UTF8.self)
        #expect(document.hasPrefix("<?xml") && document.contains("<orders>\n  <response>\n    <code>0</code>"), "\(document)")
        #expect(SandboxXML.isWanted(accept: "application/xml") && SandboxXML.isWanted(accept: "text/xml, application/json;q=0.5"))
        #expect(!SandboxXML.isWanted(accept: "application/json") && !SandboxXML.isWanted(accept: nil))
    }

    @Test func rateLimitStormLosesNothingAndDuplicatesNothing() async throws {
        try await using(try await SandboxHarness.start()) { h async throws in
            await h.faults(FaultPlan(failCount: 6, failStatus: 429))
            let started = ContinuousClock.now
            let items = [
                InventoryItem(warehouse: "Default", upc: "000000000017", inventory: 7),
                InventoryItem(warehouse: "Default", upc: "000000000024", inventory: 3),
            ]
            let result = try await h.client.pushInventory(items)
            #expect(result.accepted.count == 2 && result.failed.isEmpty)
            #expect(
                ContinuousClock.now - started < .seconds(30),
                "the wait follows Retry-After (0.05 s), not minutes of backoff; generous so a loaded CI machine cannot fail it")
            let stock = await h.server.state.allStock()
            #expect(stock.map(\.inventory).sorted() == [3, 7])
            #expect(stock.allSatisfy { $0.updates == 1 }, "each SKU was written once")
            #expect(await h.client.stats.rateLimited == 6)
        }
    }

    @Test func serverErrorsAreRetried() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 3)) { h async throws in
            await h.faults(FaultPlan(failCount: 2, failStatus: 502))
            let page = try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false))
            #expect(page.orders.count == 3)
            #expect(await h.client.stats.retries == 2)
            await h.faults(FaultPlan(failCount: 10, failStatus: 500))
            let error = await #expect(throws: JoorAPIError.self) { try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false)) }
            #expect(error?.kind == .serverError(500) && error?.isUnavailable == true, "a read JOOR keeps failing: JOOR is down")
            // Any 5xx (a CDN's 520 too) is retried, and on a read means the same.
            await h.faults(FaultPlan(failCount: 10, failStatus: 520))
            let cdn = await #expect(throws: JoorAPIError.self) { try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false)) }
            #expect(cdn?.kind == .serverError(520) && cdn?.message.contains("after 4 attempts") == true, "\(String(describing: cdn))")
        }
    }

    @Test func connectionCutMidResponseIsRetried() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 3)) { h async throws in
            await h.faults(FaultPlan(cutCount: 2))
            let page = try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false))
            #expect(page.orders.count == 3)
        }
    }

    @Test func timeoutsAreRetriedThenReported() async throws {
        // 1 s against 3 s of latency: the recovery below must also get its answer within 1 s, which
        // 300 ms did not always allow on a loaded machine.
        try await using(try await SandboxHarness.start(seedOrders: 1, timeout: .seconds(1), attempts: 2)) { h async throws in
            await h.faults(FaultPlan(latencyMilliseconds: 3_000))
            let error = await #expect(throws: JoorAPIError.self) { try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false)) }
            #expect(error?.kind == .unreachable)
            #expect(error?.isUnavailable == true)
            await h.faults(FaultPlan())
            #expect(try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false)).orders.count == 1)
        }
    }

    @Test func malformedBodyIsReportedNotSwallowed() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 1)) { h async throws in
            await h.faults(FaultPlan(malformedCount: 1))
            let error = await #expect(throws: JoorAPIError.self) { try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false)) }
            #expect(error?.kind == .malformedResponse)
        }
    }

    @Test func wrongTokenIsUnauthorizedWithoutRetryAndNeverLogged() async throws {
        let wrong = "wrong-token-9876543210"
        try await using(try await SandboxHarness.start(seedOrders: 1, token: wrong)) { h async throws in
            let error = await #expect(throws: JoorAPIError.self) { try await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false)) }
            #expect(error?.kind == .unauthorized)
            #expect(error?.description.contains("JOOR rejected the API token") == true)
            #expect(await h.client.stats.requests == 1, "no retry on 401")
            for secret in [wrong, Data(wrong.utf8).base64EncodedString()] {
                #expect(!h.logs.text.contains(secret))
                #expect(!(error?.description.contains(secret) ?? true))
            }
            #expect("\(h.client.options.token)" == "<redacted>")
        }
    }

    @Test func tokenNeverAppearsInLogsWhateverHappens() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 2, timeout: .milliseconds(300), attempts: 2)) { h async throws in
            await h.faults(FaultPlan(failCount: 2, failStatus: 500))
            _ = try? await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false))
            await h.faults(FaultPlan(cutCount: 1))
            _ = try? await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false))
            await h.faults(FaultPlan(latencyMilliseconds: 600))
            _ = try? await h.client.ordersPage(OrdersQuery(orderType: 8, sync: false))
            await h.faults(FaultPlan(failCount: 1, failStatus: 429))
            _ = try? await h.client.pushInventory([InventoryItem(upc: "000000000017", inventory: 1)])
            let logged = h.logs.text
            #expect(!logged.isEmpty)
            #expect(!logged.contains(SandboxHarness.token))
            #expect(!logged.contains(Data(SandboxHarness.token.utf8).base64EncodedString()))
        }
    }

    @Test func creditBudgetAvoids429() async throws {
        // 20 credits per 1 s on both sides: 10 writes (50 credits) need three windows.
        try await using(try await SandboxHarness.start(creditLimit: 20, creditWindow: 1)) { h async throws in
            let started = ContinuousClock.now
            for i in 0..<10 { _ = try await h.client.pushInventory([InventoryItem(upc: "000000000017", inventory: i)]) }
            #expect(await h.client.stats.rateLimited == 0, "the client's own budget kept it under JOOR's limit")
            #expect(ContinuousClock.now - started >= .seconds(2))
            #expect(await h.server.state.requestCounts["POST /v2/bulk-inventory"] == 10)
        }
    }

    @Test func inventoryPerItemValidation() async throws {
        try await using(try await SandboxHarness.start()) { h async throws in
            let items = [
                InventoryItem(warehouse: "Default", upc: "000000000017", inventory: 5),
                InventoryItem(warehouse: "Nowhere", upc: "000000000024", inventory: 5),
                InventoryItem(upc: "999999999999", inventory: 5),
                InventoryItem(upc: "000000000031", inventory: -1),
                InventoryItem(
                    warehouse: "Future Q3", inventoryDate: "2025-09-15", styleNumber: "FS-1001", colorCode: "110", size: "M", inventory: 120),
                InventoryItem(styleNumber: "FS-1001", colorCode: "999", size: "M", inventory: 1),
                // A style_identifier JOOR does not know is not guessed from the style number.
                InventoryItem(styleNumber: "FS-1001", styleIdentifier: "FS-1001-XX", colorCode: "110", size: "M", inventory: 1),
            ]
            let result = try await h.client.pushInventory(items)
            #expect(result.accepted.map(\.skuLabel) == ["000000000017", "FS-1001|FS-1001|110|M"])
            #expect(
                result.failed.map(\.reason) == [
                    "unknown warehouse 'Nowhere'", "unknown UPC 999999999999", "negative inventory -1", "style FS-1001 has no color 999 in size M",
                    "unknown style FS-1001 (style_identifier FS-1001-XX)",
                ])
            let future = await h.server.state.allStock().first { $0.warehouse == "Future Q3" }
            #expect(future?.upc == "000000000024" && future?.inventoryDate == "2025-09-15" && future?.inventory == 120)
        }
    }

    /// A bulk-style job status JOOR does not document: one that says the job failed ends the wait
    /// at once with that status; another is taken as still running.
    @Test func aStyleJobThatFailedIsNotWaitedFor() throws {
        func job(_ status: String) throws -> StyleJob {
            try StyleJob.parse(
                Data(#"{"bulk_styles":{"response":{"code":0},"bulk_styles_jobs":[{"bulk_styles_job_id":42,"status":"\#(status)"}]}}"#.utf8))
        }
        #expect(try job("finished").status == .finished)
        #expect(try job("Queued").status == .queued)
        #expect(try job("processing").status == .started)
        let failed = #expect(throws: JoorResponseError.self) { try job("FAILED") }
        #expect(failed?.message == "bulk-style job 42 has the status 'failed': JOOR did not finish it")
    }

    /// JOOR's job status counts what it took (`style_record_progress`) and names nothing; the
    /// legacy sandbox also names the refused styles. Both readings, one client.
    @Test(arguments: [false, true])
    func styleJobRunsToTheEnd(legacy: Bool) async throws {
        try await using(try await SandboxHarness.start(answers: legacy ? .legacy : Answers())) { h async throws in
            let good = Style(
                styleName: "Rain Jacket", styleNumber: "RJ-5005", styleIdentifier: "RJ-5005", colors: [.init(code: "700", name: "Red")],
                sizes: [.init("M")], upcs: [.init(colorCode: "700", sizeName: "M", upc: "000000005005")])
            let bad = Style(styleName: "", styleNumber: "XX-1", styleIdentifier: "XX-1")
            let job = try await h.client.submitStyles([good, bad])
            #expect(job.status == .queued)
            let done = try await h.client.waitForStyleJob(job)
            #expect(done.status == .finished)
            #expect(done.errors == (legacy ? ["XX-1": "style_name is required"] : [:]))
            #expect(done.recordCount == 2 && done.progress == 1, "the refused style is not counted as taken")
            #expect(await h.server.state.allStyles().contains { $0.styleIdentifier == "RJ-5005" })
            let pushed = try await h.client.pushInventory([InventoryItem(upc: "000000005005", inventory: 2)])
            #expect(pushed.failed.isEmpty, "the new style's UPC is now known")
        }
    }

    /// The sandbox applies `delivery_overwrite` as joor-api.md 5.1 documents it, 1 when absent;
    /// the client always says which it means (3 unless the style says otherwise).
    @Test func linesheetsFollowDeliveryOverwrite() async throws {
        try await using(try await SandboxHarness.start()) { h async throws in
            func send(_ mode: String?, _ linesheets: [String]) async throws {
                let deliveries = linesheets.map { #"{"delivery_name":"\#($0)"}"# }.joined(separator: ",")
                let overwrite = mode.map { #","delivery_overwrite":\#($0)"# } ?? ""
                var request = HTTPClientRequest(url: h.server.baseURL + "/v2/bulk-style")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Oauth2 " + Data(SandboxHarness.token.utf8).base64EncodedString())
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(
                    Data(
                        #"{"styles":{"style":[{"style_name":"Linen Field Shirt","style_number":"FS-1001","style_identifier":"FS-1001","deliveries":[\#(deliveries)]\#(overwrite)}]}}"#
                            .utf8))
                let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                #expect(answer.status == .ok)
                let job = try StyleJob.parse(Data(buffer: try await answer.body.collect(upTo: 1 << 16)))
                #expect(try await h.client.waitForStyleJob(job).progress == 1)
            }
            func linesheets() async -> [String] {
                await h.server.state.allStyles().first { $0.styleIdentifier == "FS-1001" }?.deliveries.map(\.name) ?? []
            }
            #expect(await linesheets() == ["Core Basics"], "made in JOOR")
            try await send("3", ["Fall 2025"])
            #expect(await linesheets() == ["Core Basics", "Fall 2025"], "3 only adds")
            try await send("2", ["Spring 2026"])
            #expect(await linesheets() == ["Core Basics", "Spring 2026"], "2 replaces only what the API made")
            try await send("4", ["Core Basics"])
            #expect(await linesheets() == ["Spring 2026"], "4 takes the style off those given")
            try await send(nil, ["Resort 2026"])
            #expect(await linesheets() == ["Resort 2026"], "absent is 1: all replaced")
            try await send("1", [])
            #expect(await linesheets() == [], "1 with none takes the style off every linesheet")

            // The client says 3 for a style that does not say, and what a style says otherwise.
            var shirt = Style(styleName: "Linen Field Shirt", styleNumber: "FS-1001", styleIdentifier: "FS-1001", deliveries: [.init(name: "A")])
            _ = try await h.client.waitForStyleJob(try await h.client.submitStyles([shirt]))
            shirt.deliveries = [.init(name: "B")]
            _ = try await h.client.waitForStyleJob(try await h.client.submitStyles([shirt]))
            #expect(await linesheets() == ["A", "B"])
            shirt.attributes["delivery_overwrite"] = "1"
            _ = try await h.client.waitForStyleJob(try await h.client.submitStyles([shirt]))
            #expect(await linesheets() == ["B"])
        }
    }

    @Test func stateSurvivesARestart() async throws {
        let dir = try TemporaryDirectory()
        let first = try await SandboxHarness.start(seedOrders: 10, dataDirectory: dir.path)
        _ = try await first.client.ordersPage(OrdersQuery(orderType: 8, sync: true, count: 4))
        _ = try await first.client.pushInventory([InventoryItem(upc: "000000000017", inventory: 9)])
        await first.stop()
        try await using(try await SandboxHarness.start(seedOrders: 10, dataDirectory: dir.path)) { second async throws in
            #expect(await second.server.state.allOrders().filter(\.exported).count == 4)
            #expect(await second.server.state.allStock().first?.inventory == 9)
            var rest: [String] = []
            try await second.client.orders(OrdersQuery(orderType: 8, sync: true, count: 4)) { rest += $0.orders.map(\.id) }
            #expect(rest.count == 6)
        }
    }

    @Test func lostAnswersAndUnknownPathsBehaveAsJOORsOwnRequests() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 1)) { h async throws in
            func get(_ path: String, token: String = SandboxHarness.token, contentType: String? = "application/json") async throws -> Int {
                var request = HTTPClientRequest(url: h.server.baseURL + path)
                request.headers.add(name: "Authorization", value: "Oauth2 " + Data(token.utf8).base64EncodedString())
                if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
                return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
            }
            // JOOR does not process a call without a content MIME type, even a GET.
            #expect(try await get("/v2/orders?sync=0&order_type=8", contentType: nil) == 415)
            // "Carry it out, then answer 503" is taken by the next request; one refused for its
            // token was not carried out, so it keeps its 401 (and the fault is used up).
            await h.server.state.plan(FaultPlan(failStatus: 503, processThenFailCount: 1))
            #expect(try await get("/v2/orders?sync=0&order_type=8", token: "wrong") == 401)
            #expect(try await get("/v2/orders?sync=0&order_type=8") == 200)
            await h.server.state.plan(FaultPlan(failStatus: 503, processThenFailCount: 1))
            #expect(try await get("/v2/orders?sync=0&order_type=8") == 503, "a request carried out loses its answer")
            // A path JOOR does not serve is still a request: logged, checked for its token.
            #expect(try await get("/v2/no-such-thing") == 404)
            #expect(try await get("/v2/no-such-thing", token: "wrong") == 401)
            #expect(await h.server.state.requestLog.contains { $0.path == "/v2/no-such-thing" })
        }
    }

    /// `sync` defaults to 1 (JOOR's table), also for one order read by id: without sync=0 it is
    /// marked exported, as a synchronising pull would.
    @Test func readingOneOrderWithoutSyncMarksItExported() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 2)) { h async throws in
            let ids = await h.server.state.allOrders().map(\.id)
            for (id, query) in zip(ids, ["?sync=0", ""]) {
                var request = HTTPClientRequest(url: h.server.baseURL + "/v2/order/" + id + query)
                request.headers.add(name: "Authorization", value: "Oauth2 " + Data(SandboxHarness.token.utf8).base64EncodedString())
                request.headers.add(name: "Content-Type", value: "application/json")
                #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code == 200)
            }
            let exported = await h.server.state.allOrders().map(\.exported)
            #expect(exported == [false, true], "sync=0 marks nothing; no sync is sync=1")
        }
    }

    @Test func acceptsBothOrderPathsAndTrailingSlashes() async throws {
        try await using(try await SandboxHarness.start(seedOrders: 2)) { h async throws in
            for path in ["/v2/orders", "/v2/orders/", "/v2/order", "/v2/order/"] {
                var request = HTTPClientRequest(url: h.server.baseURL + path + "?sync=0&order_type=8")
                request.headers.add(name: "Authorization", value: "Oauth2 " + Data(SandboxHarness.token.utf8).base64EncodedString())
                request.headers.add(name: "Content-Type", value: "application/json")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                var body = try await response.body.collect(upTo: 1 << 20)
                #expect(response.status.code == 200, "\(path)")
                #expect(try OrdersPage.parse(body.readData(length: body.readableBytes)!).orders.count == 2)
            }
        }
    }
}
