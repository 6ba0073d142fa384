import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// SIGKILL in the middle of a product sync (after JOOR accepted a batch, before and after the
/// ledger recorded it), then a rerun: JOOR ends with every style exactly as in the file, the file is
/// archived once, and nothing is left in processing/.
@Suite("Product sync survives SIGKILL")
struct ProductsCrashTests {
    static let styles = 40

    /// `styles` styles of 2 colors × 3 sizes, rows of a style spread over the file.
    static var export: String {
        var rows: [String] = []
        for style in 0..<styles {
            for (c, color) in [("100", "White"), ("900", "Black")].enumerated() {
                for (s, size) in ["S", "M", "L"].enumerated() {
                    let upc = WatchTests.gtin(60_000_000 + style * 6 + c * 3 + s)
                    rows.append(
                        "CR-\(1000 + style),Crash Style \(style),\"Style \(style), for the crash test.\",\(color.0),\(color.1),\(size),\(upc),\(40 + style).00,\(90 + style).00,\(38 + style).00,\(85 + style).00,Fall,2026,228"
                    )
                }
            }
        }
        var rng = SeededGenerator(seed: 17)
        rows.shuffle(using: &rng)
        return "StyleNo,StyleName,Description,ColorCode,ColorName,Size,UPC,WholesaleUSD,RetailUSD,WholesaleEUR,RetailEUR,Season,Year,Category\n"
            + rows.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [1, 2, 5, 8])
    func killedMidSyncThenRerun(checkpoint: Int) async throws {
        try await using(try await JoorSandboxServer.started(token: "products-crash") { $0.jobPollsToFinish = 1 }) { sandbox async throws in
            let dir = try TemporaryDirectory("products-crash")
            try dir.copyMappings(["products-csv.yml"])
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor: { token_env: PRODUCTS_CRASH_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000 }
                    state: ./state/joorbridge.sqlite
                    products: { mapping: mappings/products-csv.yml, include: ["products_*.csv"], settle_seconds: 0, batch_size: 10 }
                    """)
            try dir.write("inbox/products_1.csv", text: Self.export)
            let env = ["PRODUCTS_CRASH_TOKEN": "products-crash"]
            let killed = try await Executable.run(
                ["run", "products"], in: dir.path, environment: env.merging(["JOORBRIDGE_CRASH_AFTER": String(checkpoint)]) { $1 })
            #expect(killed.stderr.contains("crash test: SIGKILL at checkpoint \(checkpoint)"), "\(killed.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir.path("processing/products_1.csv")))
            let spools = dir.path("state/joorbridge.sqlite.spool")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spools).count == 1, "the killed run's spool is left")

            let rerun = try await Executable.run(["run", "products"], in: dir.path, environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spools).isEmpty, "and removed by the next run")
            #expect(rerun.stderr.contains("removed 1 spool file(s) a stopped run left"), "\(rerun.stderr)")
            let held = await sandbox.state.allStyles().filter { $0.styleNumber.hasPrefix("CR-") }
            #expect(held.count == Self.styles, "every style once")
            for style in held {
                let number = Int(style.styleNumber.dropFirst(3))! - 1000
                #expect(style.styleName == "Crash Style \(number)")
                #expect(style.upcs.count == 6, "\(style.styleNumber): the full color × size set")
            }
            let archived = try FileManager.default.subpathsOfDirectory(atPath: dir.path("archive")).filter { $0.hasSuffix(".csv") }
            #expect(archived.count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("processing")).isEmpty)

            // And the same file once more sends nothing: every style is recorded as JOOR holds it.
            try dir.write("inbox/products_2.csv", text: Self.export)
            await sandbox.state.resetCounts()
            let again = try await Executable.run(["run", "products", "--report", "again.json"], in: dir.path, environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("again.json")))) as? [String: Any]
            let products = ((report?["jobs"] as? [[String: Any]])?.first?["products"] as? [String: Any]) ?? [:]
            #expect(products["filesDuplicate"] as? Int == 1, "the same content: archived without a push: \(products)")
            #expect(products["stylesSent"] as? Int == 0)
            #expect(await sandbox.state.requestCounts["POST /v2/bulk-style"] == nil, "no write reached JOOR")
        }
    }
}
