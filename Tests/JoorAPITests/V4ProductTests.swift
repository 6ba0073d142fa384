import Foundation
import JoorModels
import TestSupport
import Testing

@testable import JoorAPI
@testable import JoorSandbox

@Suite("JOOR v4 products against the sandbox", .serialized)
struct V4ProductTests {
    static let credentials = V4Credentials(
        clientID: "sandbox-client", clientSecret: Secret("sandbox-secret"), username: "sandbox@example.com",
        password: Secret("sandbox-password"), account: "1")

    /// A sandbox with v4 and a client logged in to it.
    struct V4Harness: TestResource {
        let server: JoorSandboxServer
        let client: JoorClient
        let logs: LogCapture
        func stop() async { await server.stop() }
    }

    static func start(
        tokenLifetime: Double = 36_000, credentials: V4Credentials = credentials, answers: Answers = Answers()
    ) async throws -> V4Harness {
        var config = SandboxConfiguration()
        config.answers = answers
        config.v4TokenLifetimeSeconds = tokenLifetime
        let server = try await JoorSandboxServer(configuration: config)
        try await server.start()
        var options = JoorClient.Options(endpoint: .local(server.baseURL), token: Secret("sandbox-token"))
        options.v4 = credentials
        options.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        let logs = LogCapture()
        return V4Harness(server: server, client: JoorClient(options: options, logger: logs.logger()), logs: logs)
    }

    static let jacket = Style(
        styleName: "Rain Jacket", styleNumber: "RJ-5005", styleIdentifier: "RJ-5005",
        prices: [.init(label: "USD-1", currency: "USD", wholesale: "80.00", retail: "180.00"), .init(label: "EUR-1", wholesale: "75.00")],
        colors: [.init(code: "700", name: "Red"), .init(code: "800", name: "Blue")], sizes: [.init("M"), .init("L")],
        upcs: [.init(colorCode: "700", sizeName: "M", upc: "000000005005"), .init(colorCode: "800", sizeName: "L", upc: "000000005012")])

    /// JOOR (the default sandbox) refuses a product it has as DUPLICATED and an existing price as
    /// DUPLICATED; the client then finds the ids (paging GET /v4/products; GET /v4/prices) and
    /// updates both through bulk_update. The legacy sandbox says "duplicate" in a message and
    /// replaced prices silently; the client works with both.
    @Test(arguments: [false, true])
    func productsSKUsAndPricesAreCreatedThenUpdatedWithoutDuplicates(legacy: Bool) async throws {
        try await using(try await Self.start(answers: legacy ? .legacy : Answers())) { h async throws in
            let server = h.server
            let client = h.client
            let first = try await client.pushStylesV4([Self.jacket])
            #expect(first.created == ["RJ-5005"] && first.failed.isEmpty)
            var v4 = await server.state.v4
            #expect(v4.products.count == 1)
            #expect(v4.skus.count == 4, "the full color × size set")
            #expect(v4.prices.count == 8, "4 SKUs × 2 price types")
            #expect(await server.state.allStyles().contains { $0.styleIdentifier == "RJ-5005" && $0.upcs.count == 2 })
            var renamed = Self.jacket
            renamed.styleName = "Rain Jacket II"
            renamed.prices[0].wholesale = "82.00"
            await server.state.resetCounts()
            let second = try await client.pushStylesV4([renamed])
            #expect(second.updated == ["RJ-5005"] && second.failed.isEmpty, "\(second)")
            v4 = await server.state.v4
            #expect(v4.products.count == 1 && v4.skus.count == 4 && v4.prices.count == 8, "updated, not duplicated")
            #expect(v4.products.values.first?.name == "Rain Jacket II")
            #expect(v4.prices.filter { $0.priceTypeID == "1234" }.allSatisfy { $0.wholesale == "82.00" }, "the USD price changed in place")
            let counts = await server.state.requestCounts
            #expect(counts["POST /v4/prices/bulk_update"] == 1, "existing prices go through bulk_update with their ids: \(counts)")
            #expect(counts["POST /v4/prices/bulk_create"] == nil, "no blind create of prices JOOR has: \(counts)")
            #expect(counts["POST /v4/products/bulk_update"] == 1)
            #expect(await server.state.requestCounts["POST /auth"] == nil, "one token for the whole session")
        }

    }

    /// What the brand set in JOOR and the file does not give survives an update: nobody
    /// documents whether `bulk_update` replaces a product or SKU (the sandbox's reading) or only
    /// the fields it names. The description, order minimum, categories, traits and tags of the
    /// product, a color taken off sale (INACTIVE: sent without its status it would be ACTIVE
    /// again, back on sale and on its orders) and an EAN are sent back as JOOR lists them.
    @Test func anUpdateKeepsWhatTheFileDoesNotGive() async throws {
        try await using(try await Self.start()) { h async throws in
            _ = try await h.client.pushStylesV4([Self.jacket])
            let created = await h.server.state.v4
            let product = try #require(created.products.values.first)
            let division: JSONValue = .object(["trait_id": .string("VHJhaXQ6RGl2aXNpb24="), "value": .string("Women")])
            _ = try await h.client.v4(
                .POST, "/products/bulk_update",
                body: [
                    .object([
                        "id": .string(product.id), "external_id": .string("RJ-5005"), "name": .string("Rain Jacket"),
                        "description": .string("Made in JOOR"), "order_minimum": .number(6), "category_ids": .array([.string("12")]),
                        "product_trait_values": .array([division]),
                        "tags": .array([.object(["name": .string("Collection"), "value": .string("Core")])]),
                    ])
                ], idempotent: true)
            let blueL = try #require(created.skus.values.first { $0.color == "800" && $0.size == "L" })
            _ = try await h.client.v4(
                .POST, "/skus/bulk_update",
                body: [
                    .object([
                        "id": .string(blueL.id), "product_id": .string(product.id), "external_id": .string(blueL.externalID),
                        "trait_values": .array([
                            .object([
                                "trait_id": .string(V4Payloads.colorTrait), "value": .string("Blue"), "external_id": .string("800"),
                                "status": .string("INACTIVE"),
                            ]),
                            .object(["trait_id": .string(V4Payloads.sizeTrait), "value": .string("L"), "external_id": .string("L")]),
                        ]),
                        "identifiers": .array([
                            .object(["type": .string("UPC"), "value": .string("000000005012")]),
                            .object(["type": .string("EAN"), "value": .string("4006381333931")]),
                        ]),
                    ])
                ], idempotent: true)

            var renamed = Self.jacket
            renamed.styleName = "Rain Jacket II"
            let pushed = try await h.client.pushStylesV4([renamed])
            #expect(pushed.updated == ["RJ-5005"] && pushed.failed.isEmpty, "\(pushed)")
            let v4 = await h.server.state.v4
            let kept = try #require(v4.products[product.id])
            #expect(kept.name == "Rain Jacket II" && kept.description == "Made in JOOR", "\(kept)")
            #expect(kept.fields?["order_minimum"]?.int == 6 && kept.fields?["category_ids"] == .array([.string("12")]), "\(kept.fields)")
            #expect(kept.fields?["product_trait_values"] == .array([division]) && kept.fields?["tags"]?.elements?.count == 1, "\(kept.fields)")
            let sku = try #require(v4.skus[blueL.id])
            #expect(sku.traitFields?[V4Payloads.colorTrait]?["status"] == .string("INACTIVE"), "still off sale: \(sku)")
            #expect(sku.upc == "000000005012" && sku.otherIdentifiers?.first?["value"]?.text == "4006381333931", "\(sku)")

            // What the file does give replaces JOOR's.
            renamed.styleDescription = "Waterproof shell."
            renamed.upcs[1].upc = "000000005029"
            _ = try await h.client.pushStylesV4([renamed])
            let replaced = await h.server.state.v4
            #expect(replaced.products[product.id]?.description == "Waterproof shell.")
            #expect(replaced.skus[blueL.id]?.upc == "000000005029" && replaced.skus[blueL.id]?.otherIdentifiers?.count == 1)

            // A new size of the color taken off sale comes off sale too; the other color's does not.
            renamed.sizes.append(.init("XL"))
            let grew = try await h.client.pushStylesV4([renamed])
            #expect(grew.updated == ["RJ-5005"] && grew.failed.isEmpty, "\(grew)")
            let grown = await h.server.state.v4
            let status = Dictionary(
                uniqueKeysWithValues: grown.skus.values.filter { $0.size == "XL" }.map {
                    ($0.color, $0.traitFields?[V4Payloads.colorTrait]?["status"])
                })
            #expect(status == ["800": .string("INACTIVE"), "700": nil], "\(status)")
        }
    }

    /// More products than one page of GET /v4/products: the one JOOR has is found by paging,
    /// without relying on the undocumented external_ids filter.
    @Test func anExistingProductIsFoundBeyondTheFirstPage() async throws {
        try await using(try await Self.start()) { h async throws in
            let server = h.server
            let client = h.client
            var many: [Style] = []
            for i in 0..<120 {
                var style = Self.jacket
                style.styleIdentifier = String(format: "P-%03d", i)
                style.styleNumber = style.styleIdentifier
                style.upcs = []
                many.append(style)
            }
            let first = try await client.pushStylesV4(many)
            #expect(first.created.count == 120 && first.failed.isEmpty)
            var last = many[119]
            last.styleName = "Renamed"
            let second = try await client.pushStylesV4([last])
            #expect(second.updated == ["P-119"], "\(second)")
            #expect(await server.state.v4.products.values.first { $0.externalID == "P-119" }?.name == "Renamed")
        }

    }

    /// A product with more SKUs (110) than one page of GET /v4/skus lists, and so more prices
    /// (220) than one of GET /v4/prices: each is found by paging and updated in place.
    @Test func skusAndPricesAreFoundBeyondTheFirstPage() async throws {
        try await using(try await Self.start()) { h async throws in
            var big = Self.jacket
            big.colors = (0..<11).map { .init(code: String(format: "C%02d", $0)) }
            big.sizes = (0..<10).map { .init("S\($0)") }
            big.upcs = []
            let first = try await h.client.pushStylesV4([big])
            #expect(first.created == ["RJ-5005"] && first.failed.isEmpty, "\(first)")
            #expect(await h.server.state.v4.skus.count == 110)
            big.prices[0].wholesale = "83.00"
            let second = try await h.client.pushStylesV4([big])
            #expect(second.updated == ["RJ-5005"] && second.failed.isEmpty && second.unconfirmed.isEmpty, "\(second)")
            let v4 = await h.server.state.v4
            #expect(v4.skus.count == 110 && v4.prices.count == 220, "updated in place, nothing created twice")
            #expect(v4.prices.filter { $0.priceTypeID == "1234" }.allSatisfy { $0.wholesale == "83.00" })
        }
    }

    /// A price JOOR has no price type for, or one in another currency than its price type's
    /// (v4 sends only the amount), refuses its style before anything of it is made in JOOR.
    @Test func aPriceJOORCannotTakeAsItIsFailsThatStyleOnly() async throws {
        try await using(try await Self.start()) { h async throws in
            let server = h.server
            let client = h.client
            var odd = Self.jacket
            odd.styleIdentifier = "RJ-6006"
            odd.prices = [.init(label: "CHF-9", wholesale: "1.00")]
            var dollars = Self.jacket
            dollars.styleIdentifier = "RJ-7007"
            dollars.prices = [.init(label: "EUR-1", currency: "usd", wholesale: "75.00")]
            var retail = Self.jacket
            retail.styleIdentifier = "RJ-8008"
            retail.prices = [.init(label: "EUR-1", currency: "eur", wholesale: "75.00", retail: "150", retailCurrency: "GBP")]
            let result = try await client.pushStylesV4([Self.jacket, odd, dollars, retail])
            #expect(result.created == ["RJ-5005"], "\(result)")
            #expect(result.failed["RJ-6006"]?.contains("no price type CHF-9") == true)
            #expect(
                result.failed["RJ-7007"]?.hasPrefix("JOOR's price type EUR-1 is in EUR (wholesale), but the file prices it in usd") == true,
                "\(result.failed)")
            #expect(result.failed["RJ-8008"]?.contains("(retail), but the file prices it in GBP") == true, "\(result.failed)")
            let made = await server.state.v4.products.values.map(\.externalID)
            #expect(made == ["RJ-5005"], "nothing of a refused style is made: \(made)")
        }

    }

    /// A refusal whose `details` name nothing (`{}`, as JOOR's error shape allows) leaves its style
    /// unconfirmed, never created; with details it is a named refusal.
    @Test(arguments: [true, false])
    func aRefusalThatNamesNothingLeavesItsStyleUnconfirmed(details: Bool) async throws {
        var answers = Answers()
        answers.v4ErrorDetails = details
        try await using(try await Self.start(answers: answers)) { h async throws in
            var nameless = Self.jacket
            nameless.styleIdentifier = "RJ-7007"
            nameless.styleName = ""
            let result = try await h.client.pushStylesV4([Self.jacket, nameless])
            #expect(result.created == ["RJ-5005"], "\(result)")
            if details {
                #expect(result.failed == ["RJ-7007": "name is required"] && result.unconfirmed.isEmpty, "\(result)")
            } else {
                #expect(result.failed.isEmpty, "\(result)")
                #expect(result.unconfirmed == ["RJ-7007": "JOOR refused product(s) without naming them: name is required"], "\(result)")
            }
        }
    }

    /// A product JOOR has, refused as DUPLICATED with `details: {}` (the documented error shape,
    /// naming no product), is found in JOOR's list and updated: never left unconfirmed for ever.
    @Test func aDuplicateThatNamesNothingIsFoundAndUpdated() async throws {
        var answers = Answers()
        answers.v4ErrorDetails = false
        try await using(try await Self.start(answers: answers)) { h async throws in
            #expect(try await h.client.pushStylesV4([Self.jacket]).created == ["RJ-5005"])
            var renamed = Self.jacket
            renamed.styleName = "Rain Jacket II"
            var fresh = Self.jacket
            fresh.styleIdentifier = "RJ-9009"
            let second = try await h.client.pushStylesV4([renamed, fresh])
            #expect(second.updated == ["RJ-5005"] && second.created == ["RJ-9009"], "\(second)")
            #expect(second.failed.isEmpty && second.unconfirmed.isEmpty, "\(second)")
            let v4 = await h.server.state.v4
            #expect(v4.products.values.map(\.name).sorted() == ["Rain Jacket", "Rain Jacket II"], "updated, not duplicated")
        }
    }

    /// A refused price is charged to the style whose SKU it names, found by the SKU ids sent, not
    /// by prefix: FS-1001-110's SKUs also begin with "FS-1001-".
    @Test func aRefusedPriceIsChargedToTheStyleOfItsSKU() async throws {
        try await using(try await Self.start()) { h async throws in
            var plain = Self.jacket
            plain.styleIdentifier = "FS-1001"
            var colorStyle = plain
            colorStyle.styleIdentifier = "FS-1001-110"
            colorStyle.prices[1].wholesale = "seventy"
            let result = try await h.client.pushStylesV4([plain, colorStyle])
            #expect(result.created == ["FS-1001"], "\(result)")
            #expect(result.failed.keys.sorted() == ["FS-1001-110"] && result.failed["FS-1001-110"] == "wholesale_value must be a number", "\(result)")
        }
    }

    /// STYLE-COLOR-SIZE can name a SKU of two styles (A in color B-C, A-B in color C): neither is
    /// sent, where one would have overwritten the other's SKU in JOOR.
    @Test func aSKUExternalIDThatNamesTwoStylesSendsNeither() async throws {
        try await using(try await Self.start()) { h async throws in
            var a = Self.jacket
            a.styleIdentifier = "A"
            a.colors = [.init(code: "B-C", name: "Blue")]
            a.upcs = []
            var ab = a
            ab.styleIdentifier = "A-B"
            ab.colors = [.init(code: "C", name: "Cyan")]
            let result = try await h.client.pushStylesV4([a, ab, Self.jacket])
            #expect(result.created == ["RJ-5005"], "\(result)")
            #expect(result.failed["A"] == "its SKU external id A-B-C-M would also name a SKU of A-B; rename a color or size code", "\(result)")
            #expect(result.failed["A-B"]?.contains("would also name a SKU of A;") == true, "\(result)")
            #expect(await h.server.state.v4.skus.values.allSatisfy { $0.externalID.hasPrefix("RJ-5005-") }, "no SKU of A or A-B sent")
        }
    }

    /// A SKU the create answer does not list (here: it lists ids only) has no id for its prices:
    /// the style is unconfirmed, not created without prices; the next try finds the SKUs and
    /// completes it.
    @Test func aSKUTheCreateAnswerDoesNotListLeavesItsStyleUnconfirmed() async throws {
        var answers = Answers()
        answers.v4SKUCreateExternalIDs = false
        try await using(try await Self.start(answers: answers)) { h async throws in
            let first = try await h.client.pushStylesV4([Self.jacket])
            #expect(first.created.isEmpty && first.failed.isEmpty, "\(first)")
            #expect(
                first.unconfirmed["RJ-5005"]?.hasPrefix("JOOR's skus/bulk_create answer neither listed nor refused SKU(s) RJ-5005-700-M") == true,
                "\(first)")
            #expect(await h.server.state.v4.prices.isEmpty)
            let again = try await h.client.pushStylesV4([Self.jacket])
            #expect(again.updated == ["RJ-5005"] && again.unconfirmed.isEmpty && again.failed.isEmpty, "\(again)")
            #expect(await h.server.state.v4.prices.count == 8, "4 SKUs × 2 price types")
        }
    }

    /// Nothing documents paging for `GET /v4/products`. A JOOR that ignores `page` answers the
    /// first page again: the search for a product beyond it ends there, and the product is
    /// refused by name (where it read the same page 10,000 times).
    @Test(arguments: [true, false])
    func aProductBeyondTheFirstPageIsFoundOrRefusedInTwoReads(paging: Bool) async throws {
        var answers = Answers()
        answers.v4ListPaging = paging
        try await using(try await Self.start(answers: answers)) { h async throws in
            let others = (1...150).map { n in
                var style = Self.jacket
                style.styleIdentifier = "OTHER-\(n)"
                return V4Payloads.product(style)
            }
            _ = try await h.client.v4(.POST, "/products/bulk_create", body: others, idempotent: false)
            #expect(try await h.client.pushStylesV4([Self.jacket]).created == ["RJ-5005"])
            let reads = h.server.state.arrivals(at: "/v4/products")
            let again = try await h.client.pushStylesV4([Self.jacket])
            #expect(h.server.state.arrivals(at: "/v4/products") - reads == 2, "pages 1 and 2 of 100")
            if paging {
                #expect(again.updated == ["RJ-5005"] && again.failed.isEmpty, "\(again)")
            } else {
                #expect(
                    again.failed == ["RJ-5005": "JOOR says the product exists, but GET /v4/products does not list external_id RJ-5005"],
                    "\(again)")
            }
        }
    }

    @Test func incompleteColorSizeSetIsRefused() async throws {
        try await using(try await Self.start()) { h async throws in
            let server = h.server
            let client = h.client
            let product = try await client.v4(.POST, "/products/bulk_create", body: [V4Payloads.product(Self.jacket)], idempotent: false)
            let productID = try #require(product.data.first?["id"]?.text)
            let (all, _) = V4Payloads.skus(Self.jacket, productID: productID)
            let answer = try await client.v4(.POST, "/skus/bulk_create", body: Array(all.dropLast()), idempotent: false)
            #expect(answer.data.isEmpty)
            #expect(answer.errors.first?["message"]?.text?.contains("do not form the full color × size set; missing 800/L") == true)
        }

    }

    /// A 5xx to a read that sends nothing of the file's means JOOR is failing; one to a look-up
    /// that sends a file's ids may be JOOR failing on those ids: that call's refusal.
    @Test func serverErrorsSayWhetherJoorOrTheCallFailed() async throws {
        try await using(try await Self.start()) { h async throws in
            await h.server.state.plan(FaultPlan(failCount: 100, failStatus: 500, pathPrefix: "/v4/price_types"))
            let read = await #expect(throws: JoorAPIError.self) { try await h.client.v4(.GET, "/price_types", idempotent: true) }
            #expect(read?.kind == .serverError(500) && read?.isUnavailable == true, "\(String(describing: read))")
            await h.server.state.plan(FaultPlan(failCount: 100, failStatus: 500, pathPrefix: "/v4/products"))
            let lookup = await #expect(throws: JoorAPIError.self) { try await h.client.lookUpProducts(externalIDs: ["JKT-1"]) }
            #expect(lookup?.kind == .httpStatus(500) && lookup?.isUnavailable == false, "\(String(describing: lookup))")
        }
    }

    @Test func expiredTokenIsRenewed() async throws {
        // A 4 s token (renewed by the client after 2 s): long enough that a loaded machine still
        // uses it before the server expires it, short enough to outlive in the test.
        try await using(try await Self.start(tokenLifetime: 4)) { h async throws in
            let server = h.server
            let client = h.client
            _ = try await client.v4(.GET, "/price_types", idempotent: true)
            try await Task.sleep(for: .milliseconds(4200))
            _ = try await client.v4(.GET, "/price_types", idempotent: true)  // without a renewal: 401, which throws
            // At least one renewal; a loaded machine may renew once more before the first call.
            #expect(await server.state.requestCounts["POST /auth"] ?? 0 >= 2)
        }

    }

    @Test func wrongCredentialsAreUnauthorizedAndNeverLogged() async throws {
        var wrong = Self.credentials
        wrong.password = Secret("not-my-password-123")
        try await using(try await Self.start(credentials: wrong)) { h async throws in
            let server = h.server
            let client = h.client
            let logs = h.logs
            let error = await #expect(throws: JoorAPIError.self) { try await client.pushStylesV4([Self.jacket]) }
            #expect(error?.kind == .unauthorized)
            #expect(!logs.text.contains("not-my-password-123") && !(error?.description.contains("not-my-password-123") ?? true))
        }

    }
}
