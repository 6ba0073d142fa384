import Foundation
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// `inventory.overwrite: true` through the binary, against a sandbox that does what JOOR documents
/// (`overwrite=1` replaces the whole account's inventory with the request's items): after a
/// completed run JOOR holds exactly the file's positions — also after SIGKILLs between requests.
@Suite("Inventory overwrite")
struct OverwriteTests {
    static let token = "overwrite-token"
    static let env = ["OVERWRITE_TOKEN": token]
    static let skus = 4_000

    static func upc(_ i: Int) -> String { String(format: "7%011d", i) }

    /// A sandbox whose catalogue knows `skus + 100` UPCs.
    static func sandbox() async throws -> JoorSandboxServer {
        let sandbox = try await JoorSandboxServer.started(token: token)
        let upcs = (0..<(skus + 100)).map { Style.UPC(colorCode: String($0 / 100), sizeName: String($0 % 100), upc: upc($0)) }
        await sandbox.state.register(Style(styleName: "Overwrite", styleNumber: "OW", styleIdentifier: "OW", upcs: upcs))
        return sandbox
    }

    /// A work folder with two configs: `joorbridge.yml` (overwrite) and `updates.yml` (plain
    /// updates, the same state).
    static func workspace(_ sandbox: JoorSandboxServer) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("overwrite")
        try dir.copyMappings(["inventory-csv.yml"])
        for (name, overwrite) in [("joorbridge.yml", true), ("updates.yml", false)] {
            try dir.write(
                name,
                text: """
                    version: 1
                    joor: { token_env: OVERWRITE_TOKEN, base_url: "\(sandbox.baseURL)" }
                    state: ./state/joorbridge.sqlite
                    inventory: { mapping: mappings/inventory-csv.yml, include: ["*.csv"], settle_seconds: 0, batch_size: 500, overwrite: \(overwrite) }
                    """)
        }
        return dir
    }

    static func stockFile(_ range: Range<Int>, quantity: (Int) -> Int, extra: String = "") -> String {
        var rows = "Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\n"
        for i in range { rows += "OW;\(upc(i));1;1;HH;\(quantity(i));0;;A\r\n" }
        return rows + extra
    }

    static func holdings(_ sandbox: JoorSandboxServer) async -> [String: Int] {
        Dictionary(uniqueKeysWithValues: await sandbox.state.allStock().map { ($0.upc ?? "?", $0.inventory) })
    }

    /// JOOR first holds 100 positions the new file lacks and old quantities for the rest.
    static func stale(_ sandbox: JoorSandboxServer, _ dir: TemporaryDirectory) async throws {
        try dir.write("inbox/old.csv", text: stockFile((skus - 50)..<(skus + 100), quantity: { _ in 99 }))
        let first = try await Executable.run(["run", "inventory", "--config", "updates.yml"], in: dir.path, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(await holdings(sandbox).count == 150)
        await sandbox.state.resetCounts()
    }

    static var expected: [String: Int] { Dictionary(uniqueKeysWithValues: (0..<skus).map { (upc($0), $0 % 97) }) }

    @Test func aCompletedOverwriteLeavesJOORHoldingExactlyTheFile() async throws {
        try await using(try await Self.sandbox()) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            try await Self.stale(sandbox, dir)
            try dir.write("inbox/stock.csv", text: Self.stockFile(0..<Self.skus, quantity: { $0 % 97 }))
            let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(await Self.holdings(sandbox) == Self.expected, "exactly the file's 4,000 positions; the 100 it lacks are gone")
            let requests = await sandbox.state.requestLog.filter { $0.method == "POST" }
            #expect(requests.count == Self.skus / 500, "every SKU is sent (overwrite implies a full push), in ⌈N/batch⌉ requests")
            #expect(
                requests.map { $0.query.contains("overwrite=1") } == [true] + Array(repeating: false, count: requests.count - 1),
                "only the first request replaces the account")

            // A re-sent file pushes nothing; an older one would bring back older quantities: refused.
            try dir.write("inbox/stock-again.csv", text: Self.stockFile(0..<Self.skus, quantity: { $0 % 97 }))
            let older = try dir.write("inbox/older.csv", text: Self.stockFile(0..<10, quantity: { _ in 1 }))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: older)
            await sandbox.state.resetCounts()
            let again = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(again.status == 3, "the older file is refused: \(again.stderr)")
            #expect(await sandbox.state.requestLog.isEmpty, "nothing sent")
            #expect(
                try String(contentsOfFile: dir.path("error/older.csv.error.txt"), encoding: .utf8).contains(
                    "older than the stock file that last replaced"))
            #expect(await Self.holdings(sandbox) == Self.expected)
        }
    }

    @Test func aFileWithRejectedRowsIsSentAsUpdatesAndAnEmptyFileIsRefused() async throws {
        try await using(try await Self.sandbox()) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            try await Self.stale(sandbox, dir)
            try dir.write("inbox/stock.csv", text: Self.stockFile(0..<100, quantity: { _ in 5 }, extra: "OW;NOT-A-UPC;1;1;HH;4;0;;A\r\n"))
            let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(run.status == 3, "\(run.stderr)")
            #expect(run.stderr.contains("sent as updates without overwrite"), "\(run.stderr)")
            #expect(await sandbox.state.requestLog.allSatisfy { !$0.query.contains("overwrite") })
            let holdings = await Self.holdings(sandbox)
            #expect(holdings.count == 250, "the 150 earlier positions stay, 100 new ones join them")

            try dir.write("inbox/empty.csv", text: Self.stockFile(0..<0, quantity: { $0 }))
            await sandbox.state.resetCounts()
            let empty = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(empty.status == 3)
            #expect(await sandbox.state.requestLog.isEmpty, "an empty file with overwrite would empty JOOR: not sent")
            #expect(try String(contentsOfFile: dir.path("error/empty.csv.error.txt"), encoding: .utf8).contains("would empty JOOR"))
            #expect(await Self.holdings(sandbox) == holdings)
        }
    }

    /// Killed after the k-th accepted request (a partial set in JOOR), or at a random moment; the
    /// next completed run leaves exactly the file's positions, and the ledger agrees (a third run
    /// with a changed file sends only what changed).
    @Test(arguments: [("checkpoint", 1), ("checkpoint", 8), ("checkpoint", 13), ("random", 1), ("random", 2)])
    func aKilledOverwriteIsCompletedByTheNextRun(_ mode: String, _ value: Int) async throws {
        try await using(try await Self.sandbox()) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            try await Self.stale(sandbox, dir)
            try dir.write("inbox/stock.csv", text: Self.stockFile(0..<Self.skus, quantity: { $0 % 97 }))
            if mode == "checkpoint" {
                let killed = try await Executable.run(
                    ["run", "inventory"], in: dir.path, environment: Self.env.merging(["JOORBRIDGE_CRASH_AFTER": String(value)]) { $1 })
                #expect(killed.stderr.contains("crash test: SIGKILL at checkpoint \(value) (inventory batch"), "\(killed.stderr)")
                let requests = (value + 1) / 2
                #expect(await Self.holdings(sandbox).count == requests * 500, "JOOR holds a partial set after \(requests) request(s)")
            } else {
                var generator = SeededGenerator(seed: UInt64(value))
                let delay = Double.random(in: 0.05...0.6, using: &generator)
                _ = try await Executable.runAndKill(["run", "inventory"], in: dir.path, environment: Self.env, after: delay)
            }
            let rerun = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(await Self.holdings(sandbox) == Self.expected)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("processing")).isEmpty)

            // The ledger was reset with JOOR: a later file with ten changes sends ten (by updates,
            // since it has a rejected row) — nothing the ledger wrongly believed JOOR still had.
            try dir.write(
                "inbox/later.csv", text: Self.stockFile(0..<Self.skus, quantity: { $0 < 10 ? 500 : $0 % 97 }, extra: "OW;bad;1;1;HH;1;0;;A\r\n"))
            await sandbox.state.resetCounts()
            let later = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(later.status == 3)
            let sent = await sandbox.state.requestLog.filter { $0.method == "POST" }
            #expect(
                sent.count == 1 && String(decoding: sent[0].body, as: UTF8.self).components(separatedBy: "\"upc\"").count == 11,
                "ten items in one request")
        }
    }
}
