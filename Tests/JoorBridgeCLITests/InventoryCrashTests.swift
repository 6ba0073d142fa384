import Foundation
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// SIGKILL in the middle of an inventory push, then rerun: JOOR ends with exactly the file's
/// quantities and the file is archived once.
@Suite("Inventory push survives SIGKILL")
struct InventoryCrashTests {
    /// Two checkpoints per batch: odd ones between "JOOR accepted" and "the ledger recorded it"
    /// (that batch is sent again: quantities are absolute, so that is harmless), even ones after.
    @Test(arguments: [1, 4, 7, 14, 23])
    func killedMidPushThenRerun(checkpoint: Int) async throws {
        try await using(try await JoorSandboxServer.started(token: "inv-crash")) { sandbox async throws in
            let count = 1_500
            var upcs: [Style.UPC] = []
            var rows = "Artikel;EAN;Lager;Bestand;Reserviert;Zulauf;Status\r\n"
            var expected: [String: Int] = [:]
            for i in 0..<count {
                let upc = String(format: "8%011d", i)
                upcs.append(.init(colorCode: String(i / 50), sizeName: String(i % 50), upc: upc))
                rows += "S;\(upc);HH;\(i % 53);0;;A\r\n"
                expected[upc] = i % 53
            }
            await sandbox.state.register(Style(styleName: "Crash", styleNumber: "CR", styleIdentifier: "CR", upcs: upcs))
            let dir = try TemporaryDirectory("inv-crash")
            try dir.copyMappings(["inventory-csv.yml"])
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor: { token_env: INV_CRASH_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000 }
                    state: ./state/joorbridge.sqlite
                    inventory: { mapping: mappings/inventory-csv.yml, include: ["*.csv"], settle_seconds: 0, batch_size: 100 }
                    """)
            try dir.write("inbox/stock.csv", Array(rows.utf8))
            let env = ["INV_CRASH_TOKEN": "inv-crash"]
            let killed = try await Executable.run(
                ["run", "inventory"], in: dir.path, environment: env.merging(["JOORBRIDGE_CRASH_AFTER": String(checkpoint)]) { $1 })
            let recorded = checkpoint % 2 == 0
            #expect(
                killed.stderr.contains(
                    "crash test: SIGKILL at checkpoint \(checkpoint) (inventory batch \(recorded ? "recorded" : "accepted, not recorded"))"),
                "\(killed.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir.path("processing/stock.csv")), "the claimed file waits in processing/")
            let rerun = try await Executable.run(["run", "inventory"], in: dir.path, environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let stock = await sandbox.state.allStock()
            #expect(stock.count == count)
            #expect(Dictionary(uniqueKeysWithValues: stock.map { ($0.upc ?? "", $0.inventory) }) == expected)
            let archived = try FileManager.default.subpathsOfDirectory(atPath: dir.path("archive")).filter { $0.hasSuffix(".csv") }
            #expect(archived.count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("processing")).isEmpty)
            // The rerun sent only what JOOR had not yet accepted.
            let writes = await sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0
            #expect(
                writes == count / 100 + (recorded ? 0 : 1),
                "the batches before the kill plus the rest after: 15, and the one accepted but not recorded once more")
        }
    }
}
