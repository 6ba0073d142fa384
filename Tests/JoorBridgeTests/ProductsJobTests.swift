import Foundation
import JoorModels
import TestSupport
import Testing

@testable import JoorBridge
@testable import JoorSandbox

@Suite("Product detail sync", .serialized)
struct ProductsJobTests {
    static let sample = try! Fixtures.bytes(Fixtures.repositoryRoot.appendingPathComponent("samples/products-csv/input.csv").path)
    /// The sample without its three bad rows (lines 7 to 9 of the file).
    static let goodRows = Array(
        String(decoding: sample, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !(6...8).contains($0.offset) }.map(\.element).joined(separator: "\n").utf8)

    struct Harness: TestResource {
        let sandbox: JoorSandboxServer
        let dir: TemporaryDirectory
        let env: [String: String]

        func stop() async { await sandbox.stop() }

        static func start(api: String = "v2", answers: Answers = Answers()) async throws -> Harness {
            var config = SandboxConfiguration()
            config.answers = answers
            config.token = "prod-token"
            config.jobPollsToFinish = 1
            let sandbox = try await JoorSandboxServer(configuration: config)
            try await sandbox.start()
            let dir = try TemporaryDirectory("products")
            try dir.copyMappings(["products-csv.yml", "inventory-csv.yml"])
            if api == "v4" { try dir.fitProductsMappingForV4() }
            let v4 = api == "v4" ? "\n  api: v4\n  v4: { client_id: sandbox-client, username: sandbox@example.com, account: \"1\" }" : ""
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor:
                      token_env: PROD_TOKEN
                      base_url: "\(sandbox.baseURL)"\(v4)
                    state: ./state/joorbridge.sqlite
                    products: { mapping: mappings/products-csv.yml, include: ["products_*.csv"], settle_seconds: 0 }
                    inventory: { mapping: mappings/inventory-csv.yml, include: ["stock_*.csv"], settle_seconds: 0 }
                    """)
            return Harness(
                sandbox: sandbox, dir: dir,
                env: ["PROD_TOKEN": "prod-token", "JOOR_CLIENT_SECRET": "sandbox-secret", "JOOR_PASSWORD": "sandbox-password"])
        }

        func drop(_ name: String, _ bytes: [UInt8]) throws { try dir.write("inbox/\(name)", bytes) }

        /// Drops a product file of these CSV rows (`products-csv.yml`'s header first), dated `age` seconds ago.
        func drop(_ name: String, rows: String, age: TimeInterval = 0) throws {
            let header =
                "StyleNo,StyleName,Description,ColorCode,ColorName,Size,UPC,WholesaleUSD,RetailUSD,WholesaleEUR,RetailEUR,Season,Year,Category"
            let path = try dir.write("inbox/\(name)", Array("\(header)\n\(rows)".utf8))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
        }

        func run(_ jobs: [Job] = [.products]) async throws -> RunOutcome {
            let config = try BridgeConfig.load(path: dir.path("joorbridge.yml"), environment: env)
            return await Bridge(config: config, logger: LogCapture().logger(), environment: env).run(jobs: jobs)
        }
    }

    @Test("Shuffled rows become styles; unchanged styles are not sent again", arguments: ["v2", "v4"])
    func stylesFromShuffledRows(api: String) async throws {
        try await using(try await Harness.start(api: api)) { h async throws in
            try h.drop("products_1.csv", Self.goodRows)
            let outcome = try await h.run()
            let report = try #require(outcome.jobs.first?.products, "\(outcome.summaryText)")
            #expect(report.stylesSent == 2 && report.rowsRejected == 0 && report.filesArchived == 1, "\(outcome.summaryText)")
            let styles = await h.sandbox.state.allStyles()
            let shirt = try #require(styles.first { $0.styleIdentifier == "FS-1001" })
            #expect(Set(shirt.colors.map(\.code)) == ["110", "410"])
            #expect(Set(shirt.upcs.map(\.upc)).isSuperset(of: ["000000000017", "000000000024", "000000000086"]))
            if api == "v4" {
                let v4 = await h.sandbox.state.v4
                let productID = v4.products.values.first { $0.externalID == "FS-1001" }?.id
                #expect(v4.skus.values.filter { $0.productID == productID }.count == 4, "2 colors × 2 sizes")
            }
            // The same rows again, grouped by style (different bytes, same styles): nothing is sent.
            var lines = String(decoding: Self.goodRows, as: UTF8.self).split(separator: "\n").map(String.init)
            let header = lines.removeFirst()
            let regrouped = lines.enumerated().sorted { ($0.element.prefix(7), $0.offset) < ($1.element.prefix(7), $1.offset) }.map(\.element)
            try h.drop("products_2.csv", Array(([header] + regrouped).joined(separator: "\n").utf8))
            let again = try #require(try await h.run().jobs.first?.products)
            #expect(again.stylesSent == 0 && again.stylesUnchanged == 2)
            // The sample's bad rows (two of FS-1001, one naming no style) hold FS-1001 back.
            try h.drop("products_3.csv", Self.sample)
            let held = try #require(try await h.run().jobs.first?.products)
            #expect(held.stylesSent == 0 && held.stylesUnchanged == 1 && Array(held.stylesHeld.keys) == ["FS-1001"], "\(held)")
            #expect(held.rowsRejected == 4, "three rows, and the line naming the style held back")
        }
    }

    /// A style JOOR refuses is never recorded as accepted. JOOR's job status only counts what it
    /// took, so the batch is split in halves until the refused style stands alone; a server that
    /// names the refused styles (the legacy sandbox) is believed.
    @Test(arguments: [false, true])
    func stylesJOORRefusesAreReportedWhileTheRestLand(legacy: Bool) async throws {
        try await using(try await Harness.start(answers: legacy ? .legacy : Answers())) { h async throws in
            let long = String(repeating: "X", count: 50)
            var rows = "\(long),Too long,,001,Black,S,,,,,,,,\n"
            for i in 1...5 { rows += "OK-\(i),Fine,,001,Black,S,,,,,,,,\n" }
            try h.drop("products_1.csv", rows: rows)
            let report = try #require(try await h.run().jobs.first?.products)
            #expect(report.stylesSent == 5)
            #expect(Array(report.stylesRefused.keys) == [long])
            let reason = legacy ? "style_number is longer than 45 characters" : "finished without taking this style (style_record_progress 0 of 1)"
            #expect(report.stylesRefused[long]?.contains(reason) == true, "\(report.stylesRefused)")
            // JOOR mode: the batch of 6, then halves of 3 (one fine), then 1 + 2 of the troubled half.
            #expect(report.requests == (legacy ? 1 : 5), "\(report.requests)")
            let recorded = try Ledger(path: h.dir.path("state/joorbridge.sqlite")).styleHashes()
            #expect(Set(recorded.keys) == Set((1...5).map { "OK-\($0)" }), "the refused style is not recorded as accepted")
            #expect(await h.sandbox.state.allStyles().contains { $0.styleIdentifier == "OK-5" })
            let rejects = try String(contentsOfFile: h.dir.path("error/products_1.csv.rejects.csv"), encoding: .utf8)
            #expect(rejects.contains("JOOR refused the style:") && rejects.contains(long))
        }
    }

    /// A call JOOR refuses whole (HTTP 400, or `response.code` 1) for one style it cannot take is
    /// sent again in halves: the style stands alone and is reported, the other five land, and
    /// the file is archived with its rejects (before: the file failed whole, and was quarantined
    /// after max_attempts with not one style sent).
    @Test(arguments: [Answers.StyleRefusal.httpStatus, .responseCode])
    func aCallJOORRefusesWholeIsSplitToFindTheStyle(refusal: Answers.StyleRefusal) async throws {
        var answers = Answers()
        answers.styleRefusal = refusal
        try await using(try await Harness.start(answers: answers)) { h async throws in
            let long = String(repeating: "X", count: 50)
            var rows = "\(long),Too long,,001,Black,S,,,,,,,,\n"
            for i in 1...5 { rows += "OK-\(i),Fine,,001,Black,S,,,,,,,,\n" }
            try h.drop("products_1.csv", rows: rows)
            let outcome = try await h.run()
            let report = try #require(outcome.jobs.first?.products)
            #expect(report.stylesSent == 5 && report.filesArchived == 1 && outcome.status == .partial, "\(outcome.summaryText)")
            #expect(Array(report.stylesRefused.keys) == [long])
            #expect(report.stylesRefused[long]?.contains("style_number is longer than 45 characters") == true, "\(report.stylesRefused)")
            #expect(report.requests == 5, "the call of 6, halves of 3, then 1 + 2 of the refused half")
            #expect(await h.sandbox.state.allStyles().contains { $0.styleIdentifier == "OK-5" })
        }
    }

    /// v4 names a SKU's color by its name: a style with a color no row names is held back, not
    /// sent with the code as the color's name.
    @Test func v4HoldsBackAStyleWithAnUnnamedColor() async throws {
        try await using(try await Harness.start(api: "v4")) { h async throws in
            try h.drop("products_1.csv", rows: "SX-1,Shirt,,001,,S,,,,,,,,\nSX-2,Shirt,,001,Black,S,,,,,,,,\n")
            let report = try #require(try await h.run().jobs.first?.products)
            #expect(Array(report.stylesHeld.keys) == ["SX-1"] && report.stylesSent == 1, "\(report)")
            #expect(report.stylesHeld["SX-1"]?.contains("no row of it gives the name of color 001") == true)
        }
    }

    /// A call refused whole whose every style is then refused on its own too is JOOR refusing
    /// the call, not a style (the account, the format): the file is kept for another try, not
    /// archived with every style reported refused.
    @Test func aCallRefusedForEveryStyleFailsTheFileNotItsRows() async throws {
        var answers = Answers()
        answers.styleRefusal = .httpStatus
        try await using(try await Harness.start(answers: answers)) { h async throws in
            let long = String(repeating: "X", count: 50)
            try h.drop("products_1.csv", rows: "\(long)1,Too long,,001,Black,S,,,,,,,,\n\(long)2,Too long,,001,Black,S,,,,,,,,\n")
            let outcome = try await h.run()
            let job = try #require(outcome.jobs.first)
            #expect(job.outcome == .failed && job.error?.contains("JOOR answered HTTP 400") == true, "\(outcome.summaryText)")
            #expect(FileManager.default.fileExists(atPath: h.dir.path("processing/products_1.csv")), "kept for another try")
            #expect(!FileManager.default.fileExists(atPath: h.dir.path("error/products_1.csv.rejects.csv")), "no style reported refused")
        }
    }

    /// v4 errors may name nothing (`details: {}`). A product JOOR has, refused that way as
    /// DUPLICATED, is found in JOOR's list and updated. A style refused that way for anything else
    /// is not taken as accepted: its file stays in processing/ and goes again next run (the styles
    /// JOOR took are unchanged then), until max_attempts quarantines it with the reason.
    @Test func v4RefusalsThatNameNothingKeepTheFileForAnotherTry() async throws {
        var answers = Answers()
        answers.v4ErrorDetails = false
        try await using(try await Harness.start(api: "v4", answers: answers)) { h async throws in
            try h.drop("products_1.csv", rows: "SX-1,Shirt,,001,Black,S,,,,,,,,\n")
            let first = try #require(try await h.run().jobs.first?.products)
            #expect(first.stylesSent == 1 && first.filesArchived == 1, "\(first)")
            // SX-1 changed: JOOR has it, so bulk_create refuses it as DUPLICATED, naming nothing.
            try h.drop("products_2.csv", rows: "SX-1,Shirt II,,001,Black,S,,,,,,,,\nOK-1,Fine,,001,Black,S,,,,,,,,\n")
            let updated = try await h.run()
            #expect(updated.status == .done, "\(updated.summaryText)")
            #expect(try #require(updated.jobs.first?.products).stylesSent == 2, "\(updated.summaryText)")
            // A name longer than JOOR takes: refused, naming nothing.
            let long = String(repeating: "Long ", count: 21)
            try h.drop("products_3.csv", rows: "SX-1,\(long),,001,Black,S,,,,,,,,\nOK-2,Fine,,001,Black,S,,,,,,,,\n")
            let outcome = try await h.run()
            let second = try #require(outcome.jobs.first?.products)
            #expect(outcome.status == .partial, "\(outcome.summaryText)")
            #expect(second.stylesSent == 1 && second.stylesUnconfirmed == ["SX-1"], "\(second)")
            #expect(second.filesToRetry == ["products_3.csv"] && second.filesArchived == 0, "\(second)")
            #expect(outcome.summaryText.contains("kept in processing/ for the next run (JOOR did not confirm all of it): products_3.csv"))
            let ledger = try Ledger(path: h.dir.path("state/joorbridge.sqlite"))
            let recorded = try ledger.styleHashes()
            #expect(recorded["OK-2"] != nil && recorded["SX-1"] != nil, "OK-2 recorded; SX-1 keeps its earlier hash")
            #expect(FileManager.default.fileExists(atPath: h.dir.path("processing/products_3.csv")))
            let third = try #require(try await h.run().jobs.first?.products)
            #expect(third.stylesUnconfirmed == ["SX-1"] && third.stylesUnchanged == 1 && third.filesToRetry == ["products_3.csv"], "\(third)")
            let fourth = try #require(try await h.run().jobs.first?.products)
            #expect(fourth.filesQuarantined == 1 && fourth.filesToRetry.isEmpty, "\(fourth)")
            let why = try String(contentsOfFile: h.dir.path("error/products_3.csv.error.txt"), encoding: .utf8)
            #expect(why.contains("quarantined after 3 failed attempts; the last: JOOR did not confirm 1 style(s) (SX-1)"), "\(why)")
        }
    }

    /// A file kept for another try goes first next run with its older styles: the files after it
    /// wait behind it. Sent in the same run, a newer file's OK-1 was overwritten by the retried
    /// file's older OK-1 the run after. (Here JOOR's SKU create answer lists ids only: a new
    /// style is unconfirmed the first time, and found the next.)
    @Test func filesAfterOneKeptForARetryWaitBehindIt() async throws {
        var answers = Answers()
        answers.v4SKUCreateExternalIDs = false
        try await using(try await Harness.start(api: "v4", answers: answers)) { h async throws in
            try h.drop("products_1.csv", rows: "OK-1,Fine,,001,Black,S,,,,,,,,\n", age: 300)
            _ = try await h.run()
            #expect(try #require(try await h.run().jobs.first?.products).filesArchived == 1, "OK-1 confirmed at its second try")
            // products_2: a new SX-1 (unconfirmed this run) and OK-1; products_3, newer: OK-1 again.
            try h.drop("products_2.csv", rows: "SX-1,Shirt,,001,Black,S,,,,,,,,\nOK-1,Fine II,,001,Black,S,,,,,,,,\n", age: 120)
            try h.drop("products_3.csv", rows: "OK-1,Finer,,001,Black,S,,,,,,,,\n", age: 60)
            let third = try #require(try await h.run().jobs.first?.products)
            #expect(third.filesToRetry == ["products_2.csv"] && third.filesArchived == 0, "products_3 waits: \(third)")
            let fourth = try #require(try await h.run().jobs.first?.products)
            #expect(fourth.filesArchived == 2 && fourth.filesToRetry.isEmpty, "\(fourth)")
            let ok = await h.sandbox.state.v4.products.values.first { $0.externalID == "OK-1" }
            #expect(ok?.name == "Finer", "the newer file's OK-1 stands")
        }
    }

    @Test func inventoryAndProductsShareTheInboxByPattern() async throws {
        try await using(try await Harness.start()) { h async throws in
            try h.drop("products_1.csv", Self.sample)
            try h.drop("stock_1.csv", try Fixtures.bytes(Fixtures.repositoryRoot.appendingPathComponent("samples/inventory-csv/input.csv").path))
            let outcome = try await h.run([])
            #expect(outcome.jobs.map(\.job) == [.inventory, .products])
            #expect(outcome.jobs.first { $0.job == .inventory }?.inventory?.filesArchived == 1)
            #expect(outcome.jobs.first { $0.job == .products }?.products?.filesArchived == 1)
            #expect(outcome.jobs.allSatisfy { $0.error == nil })
        }
    }
}
