import Foundation
import GRDB
import JoorModels
import Synchronization
import TestSupport
import Testing

@testable import JoorBridge
@testable import JoorSandbox

/// A sandbox and a work folder whose config has an inventory section.
struct InventoryHarness: TestResource {
    let sandbox: JoorSandboxServer
    let dir: TemporaryDirectory
    let logs = LogCapture()

    static func start(section: String = "", creditLimit: Int = 300) async throws -> InventoryHarness {
        var config = SandboxConfiguration()
        config.token = "inv-token"
        config.creditLimit = creditLimit
        let sandbox = try await JoorSandboxServer(configuration: config)
        try await sandbox.start()
        let dir = try TemporaryDirectory("inventory")
        try dir.copyMappings(["inventory-csv.yml"])
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: INV_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: \(creditLimit) }
                state: ./state/joorbridge.sqlite
                inventory:
                  mapping: mappings/inventory-csv.yml
                  include: ["*.csv"]
                  settle_seconds: 5
                \(section)
                """)
        return InventoryHarness(sandbox: sandbox, dir: dir)
    }

    /// Drops a file into the inbox, dated `age` seconds ago (past the settle time by default).
    @discardableResult
    func drop(_ name: String, _ bytes: [UInt8], age: TimeInterval = 60) throws -> String {
        let path = try dir.write("inbox/\(name)", bytes)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
        return path
    }

    func run() async throws -> RunOutcome {
        let config = try BridgeConfig.load(path: dir.path("joorbridge.yml"), environment: [:])
        return await Bridge(config: config, logger: logs.logger(), environment: ["INV_TOKEN": "inv-token"]).run(jobs: [.inventory])
    }

    func files(_ folder: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: dir.path(folder))) ?? []).sorted()
    }

    var writes: Int { get async { await sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0 } }
    func stop() async { await sandbox.stop() }
}

@Suite("Inventory sync", .serialized)
struct InventoryJobTests {
    static let sample = try! Fixtures.bytes(Fixtures.repositoryRoot.appendingPathComponent("samples/inventory-csv/input.csv").path)

    @Test func goodRowsLandBadRowsAreReportedAndTheFileIsArchivedOnce() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.drop("stock_1.csv", Self.sample)
            let outcome = try await h.run()
            #expect(outcome.status == .partial, "rows were rejected: \(outcome.summaryText)")
            let report = try #require(outcome.jobs.first?.inventory)
            #expect(report.filesArchived == 1 && report.itemsSent == 6 && report.rowsRejected == 2 && report.rowsSkipped == 1)
            let stock = Dictionary(
                uniqueKeysWithValues: await h.sandbox.state.allStock().map {
                    ("\($0.warehouse)|\($0.upc ?? "")|\($0.inventoryDate ?? "")", $0.inventory)
                })
            #expect(
                stock == [
                    "Hamburg Süd|000000000017|": 40, "Hamburg Süd|000000000024|": 18, "München|000000000031|": 0,
                    "München|000000000048|2025-09-15": 4, "Hamburg Süd|000000000079|": 1234, "Hamburg Süd|000000000062|": 0,
                ],
                "the oversold SKU (1 on hand, 3 reserved) is sent as 0, so JOOR stops selling it")
            #expect(h.files("archive").contains { $0.hasSuffix("/stock_1.csv") })
            let rejects = try String(contentsOfFile: h.dir.path("error/stock_1.csv.rejects.csv"), encoding: .utf8)
            #expect(rejects.contains("6,upc,00000000005X") && rejects.contains("7,warehouse,BER") && !rejects.contains("9,inventory"))
            #expect(h.files("inbox").isEmpty && h.files("processing").isEmpty)
            // The WMS sends stock_1.csv again, with other bad rows: the first rejects stay.
            let again = String(decoding: Self.sample, as: UTF8.self).replacingOccurrences(of: "BER", with: "FRA")
            try h.drop("stock_1.csv", Array(again.utf8))
            let second = try #require(try await h.run().jobs.first?.inventory)
            #expect(second.rejectFiles == [h.dir.path("error/stock_1.csv.rejects_2.csv")], "\(second.rejectFiles)")
            #expect(try String(contentsOfFile: h.dir.path("error/stock_1.csv.rejects.csv"), encoding: .utf8) == rejects, "kept as it was")
            #expect(try String(contentsOfFile: h.dir.path("error/stock_1.csv.rejects_2.csv"), encoding: .utf8).contains("7,warehouse,FRA"))
        }
    }

    /// A new file named like one still in processing/ (a run JOOR failed on left it there) waits
    /// in the inbox until that one has gone: claiming it would have replaced the file in hand.
    @Test func aNewFileNamedLikeOneInProcessingWaitsForIt() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            func onHand() async -> Int? { await h.sandbox.state.allStock().first { $0.upc == "000000000017" }?.inventory }
            let older = try h.dir.write("processing/stock.csv", Self.sample)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: older)
            let newer = String(decoding: Self.sample, as: UTF8.self).replacingOccurrences(
                of: "000000000017;110;S;HH;42", with: "000000000017;110;S;HH;7")
            try h.drop("stock.csv", Array(newer.utf8))
            let first = try #require(try await h.run().jobs.first?.inventory)
            #expect(first.filesArchived == 1 && first.filesWaiting == ["stock.csv"] && first.filesFailed == 0, "\(first)")
            #expect(await onHand() == 40, "the file in processing/ went first (42 on hand, 2 reserved)")
            let second = try #require(try await h.run().jobs.first?.inventory)
            #expect(second.filesArchived == 1 && second.filesWaiting.isEmpty, "\(second)")
            #expect(await onHand() == 5, "then the new one (7 on hand, 2 reserved): \(second)")
            #expect(h.files("archive").filter { $0.contains("/stock.csv") }.count == 2, "\(h.files("archive"))")
        }
    }

    /// Pushes `a.csv` (the sample: `X,42`), then `b.csv` (the same with `X,7`).
    static func pushFortyTwoThenSeven(_ h: InventoryHarness) async throws {
        let changed = String(decoding: sample, as: UTF8.self).replacingOccurrences(of: "000000000017;110;S;HH;42", with: "000000000017;110;S;HH;7")
        try h.drop("a.csv", sample, age: 300)
        _ = try await h.run()
        try h.drop("b.csv", Array(changed.utf8), age: 200)
        _ = try await h.run()
    }

    /// A file whose content was pushed before, but not last, is not a re-sent file: `X,42` then
    /// `X,7` then `X,42` again leaves 42 in JOOR.
    @Test func contentPushedBeforeButNotLastIsSentAgain() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            func onHand() async -> Int? { await h.sandbox.state.allStock().first { $0.upc == "000000000017" }?.inventory }
            try await Self.pushFortyTwoThenSeven(h)
            #expect(await onHand() == 5)
            try h.drop("c.csv", Self.sample, age: 100)
            let third = try #require(try await h.run().jobs.first?.inventory)
            #expect(third.filesDuplicate == 0 && third.itemsSent == 1, "\(third)")
            #expect(await onHand() == 40, "a's content, sent again")
            try h.drop("c-resent.csv", Self.sample, age: 50)
            let resent = try #require(try await h.run().jobs.first?.inventory)
            #expect(resent.filesDuplicate == 1 && resent.itemsSent == 0, "the last pushed content is a re-sent file: \(resent)")
        }
    }

    /// "Not last" follows the order in which files were recorded, not the clock: a clock stepped
    /// back (NTP, a VM restored) while `X,7` was recorded must not make an older `X,42` look last.
    @Test func aClockSteppedBackDoesNotMakeAnOlderFileLookLast() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try await Self.pushFortyTwoThenSeven(h)
            // b was recorded while the clock stood years behind.
            try await Ledger(path: h.dir.path("state/joorbridge.sqlite")).db.write { db in
                try db.execute(sql: "UPDATE inbox_files SET updated_at = '2000-01-01T00:00:00.000Z' WHERE name LIKE '%b.csv'")
                #expect(db.changesCount == 1)
            }
            try h.drop("c.csv", Self.sample, age: 100)
            let third = try #require(try await h.run().jobs.first?.inventory)
            #expect(third.filesDuplicate == 0 && third.itemsSent == 1, "a's content, not last, is sent again: \(third)")
        }
    }

    /// A later file JOOR took only in part (then quarantined) also makes earlier content "not
    /// last": `X,42` pushed, then a file whose first batch (`X,7`) JOOR took and whose second it
    /// refused, then `X,42` again must send the 42; it was archived as re-sent, leaving 7.
    @Test func contentPushedBeforeAPartlyPushedFileIsSentAgain() async throws {
        try await using(try await InventoryHarness.start(section: "  batch_size: 1\n  max_attempts: 1\n")) { h async throws in
            func onHand() async -> Int? {
                await h.sandbox.state.allStock().first { $0.upc == "000000000017" && $0.warehouse == "Hamburg Süd" }?.inventory
            }
            try h.drop("a.csv", Self.sample, age: 300)
            let first = try await h.run()
            #expect(await onHand() == 40, "\(first.summaryText)")
            let changed = String(decoding: Self.sample, as: UTF8.self)
                .replacingOccurrences(of: "000000000017;110;S;HH;42", with: "000000000017;110;S;HH;7")
                .replacingOccurrences(of: "000000000024;110;M;HH;18", with: "000000000024;110;M;HH;19")
            try h.drop("b.csv", Array(changed.utf8), age: 200)
            await h.sandbox.state.plan(FaultPlan(failCount: 1_000, failStatus: 400, pathPrefix: "/v2/bulk-inventory", afterRequests: 1))
            _ = try await h.run()
            #expect(h.files("error").contains("b.csv"), "quarantined at its first refusal: \(h.files("error"))")
            #expect(await onHand() == 5, "JOOR took b's first batch")
            await h.sandbox.state.plan(FaultPlan())
            try h.drop("a-resent.csv", Self.sample, age: 100)
            let resent = try #require(try await h.run().jobs.first?.inventory)
            #expect(resent.filesDuplicate == 0, "\(resent)")
            #expect(await onHand() == 40, "a's content, sent again")
        }
    }

    /// A claimed file that cannot be read (here a folder; as root, a mode-000 file can be read)
    /// goes to `error/` with the reason: left in `processing/`, it came first in every run and
    /// stopped each one before the files after it.
    @Test func aClaimedFileThatCannotBeReadGoesToErrorAndTheOthersAreSent() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            let stuck = h.dir.path("processing/a-stuck.csv")
            try FileManager.default.createDirectory(atPath: stuck, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-600)], ofItemAtPath: stuck)
            try h.drop("b.csv", Self.sample)
            let outcome = try await h.run()
            let report = try #require(outcome.jobs.first?.inventory, "\(outcome.summaryText)")
            #expect(report.filesFailed == 1 && report.filesArchived == 1 && report.itemsSent == 6, "\(report)")
            #expect(h.files("error").contains("a-stuck.csv"))
            #expect(
                try String(contentsOfFile: h.dir.path("error/a-stuck.csv.error.txt"), encoding: .utf8).contains("Nothing from this file was sent"))
        }
    }

    @Test func theSameFileTwiceIsPushedOnceAndTheSameDataAgainSendsNothing() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.drop("a.csv", Self.sample)
            _ = try await h.run()
            let writes = await h.writes
            try h.drop("a-resent.csv", Self.sample)
            let again = try #require(try await h.run().jobs.first?.inventory)
            #expect(again.filesDuplicate == 1 && again.itemsSent == 0)
            #expect(await h.writes == writes, "a re-sent file pushes nothing")
            // Same quantities in a different file (LF instead of CRLF): the delta is empty.
            try h.drop("b.csv", Self.sample.filter { $0 != 13 })
            let delta = try #require(try await h.run().jobs.first?.inventory)
            #expect(delta.filesArchived == 1 && delta.itemsSent == 0 && delta.itemsUnchanged == 6)
            #expect(await h.writes == writes, "unchanged quantities send zero write requests")
            // Unless every SKU is asked for (`run inventory --full`, or `full: true`).
            try h.drop("b-resent-full.csv", Self.sample.filter { $0 != 13 })
            let config = try BridgeConfig.load(path: h.dir.path("joorbridge.yml"), environment: [:])
            let bridge = Bridge(config: config, logger: h.logs.logger(), environment: ["INV_TOKEN": "inv-token"])
            let full = try #require(await bridge.run(jobs: [.inventory], full: true).jobs.first?.inventory)
            #expect(full.filesDuplicate == 0 && full.itemsSent == 6, "--full sends a re-sent file's SKUs: \(full)")
        }
    }

    /// In `watch`, a problem that stays (a file both jobs' patterns take, left in the inbox) is
    /// summed up (and notified) once an interval, not at every look at the inbox: the job backs
    /// off as for a failure. It was every 5 s, about 17,000 notifications a day.
    @Test func aProblemThatStaysIsSummedUpOnceAnIntervalInWatch() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.dir.copyMappings(["products-csv.yml"])
            let config = try String(contentsOfFile: h.dir.path("joorbridge.yml"), encoding: .utf8)
                .replacingOccurrences(of: "include: [\"*.csv\"]", with: "include: [\"stock_*.csv\"]")
            try h.dir.write("joorbridge.yml", text: config + "products: { mapping: mappings/products-csv.yml, include: [\"*_2025.csv\"] }\n")
            try h.drop("stock_2025.csv", Self.sample)  // both patterns: neither job takes it
            let bridge = Bridge(
                config: try BridgeConfig.load(path: h.dir.path("joorbridge.yml"), environment: [:]), logger: h.logs.logger(),
                environment: ["INV_TOKEN": "inv-token"])
            var settings = WatchSettings()
            settings.pollSeconds = 0.1
            settings.intervalSeconds = 60
            let stop = StopSignal()
            let summaries = Mutex(0)
            let stopper = Task {
                try await Task.sleep(for: .seconds(2))
                stop.stop()
            }
            _ = await bridge.watch(jobs: [.inventory, .products], settings: settings, options: .init(control: .init(stop: stop))) { cycle in
                if cycle.hasProblems { summaries.withLock { $0 += 1 } }
            }
            try await stopper.value
            #expect(summaries.withLock { $0 } == 1, "one summary in 2 s of looks every 0.1 s")
        }
    }

    /// A file the WMS writes to after it was taken (it paused longer than the settle time) is not
    /// sent: the second pass would send rows the first never checked. It is read again next run.
    @Test func aFileThatChangesWhileItIsReadIsNotSentAndIsReadAgain() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.drop("stock.csv", Self.sample)
            let processing = h.dir.path("processing/stock.csv")
            let appended = Mutex(false)
            // At the end of the first pass, the WMS appends a row.
            let control = JobControl(progress: { progress in
                guard progress.finished, !appended.withLock({ $0 }) else { return }
                appended.withLock { $0 = true }
                let handle = FileHandle(forWritingAtPath: processing)
                _ = try? handle?.seekToEnd()
                try? handle?.write(contentsOf: Data("FS-1001;000000000024;110;M;HH;99;0;;A\r\n".utf8))
                try? handle?.close()
            })
            let config = try BridgeConfig.load(path: h.dir.path("joorbridge.yml"), environment: [:])
            let bridge = Bridge(config: config, logger: h.logs.logger(), environment: ["INV_TOKEN": "inv-token"])
            let first = try #require(await bridge.run(jobs: [.inventory], options: .init(control: control)).jobs.first?.inventory)
            #expect(appended.withLock { $0 })
            #expect(first.filesWaiting == ["stock.csv"] && first.itemsSent == 0 && first.filesArchived == 0, "\(first)")
            #expect(await h.writes == 0, "nothing of a changing file is sent")
            let second = try #require(try await h.run().jobs.first?.inventory)
            #expect(second.filesArchived == 1 && second.itemsSent == 6, "read again whole: \(second)")
        }
    }

    /// A file whose name is not UTF-8 (Latin-1 from a Windows WMS) cannot be opened by the name
    /// it is listed under: it waits, and the log says to rename it (it was passed over in silence).
    @Test func aFileWhoseNameIsNotUTF8IsReportedNotPassedOver() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try FileManager.default.createDirectory(atPath: h.dir.path("inbox"), withIntermediateDirectories: true)
            let path = Array(h.dir.path("inbox/Bestand_S").utf8) + [0xFC] + Array("d.csv".utf8) + [0]
            let fd = path.withUnsafeBytes { open($0.baseAddress!.assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
            #expect(fd >= 0)
            close(fd)
            let report = try #require(try await h.run().jobs.first?.inventory)
            #expect(report.filesWaiting == ["Bestand_S\u{FFFD}d.csv"], "\(report)")
            #expect(h.logs.text.contains("its name is not UTF-8"), "\(h.logs.text)")
        }
    }

    /// A crash between a claim's two moves leaves the file's done marker in the inbox. The next
    /// run moves it along: left there, it vouched for the next file of that name at once, before
    /// that file was complete.
    @Test func aDoneMarkerACrashLeftBehindFollowsItsFile() async throws {
        try await using(try await InventoryHarness.start(section: "  done_marker: .ok\n")) { h async throws in
            try h.dir.write("processing/stock.csv", Self.sample)  // claimed before the crash
            try h.dir.write("inbox/stock.csv.ok", text: "")  // its marker, not moved yet
            let first = try #require(try await h.run().jobs.first?.inventory)
            #expect(first.filesArchived == 1, "\(first)")
            #expect(!FileManager.default.fileExists(atPath: h.dir.path("inbox/stock.csv.ok")), "the marker went with its file")
            try h.drop("stock.csv", Self.sample.filter { $0 != 13 })  // the next export, its marker not written yet
            let next = try #require(try await h.run().jobs.first?.inventory)
            #expect(next.filesWaiting == ["stock.csv"] && next.filesArchived == 0, "it waits for its own marker: \(next)")
        }
    }

    @Test func inFlightFilesAndFreshFilesWait() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.drop("upload.csv.filepart", Self.sample)
            try h.drop(".hidden.csv", Self.sample)
            try h.drop("growing.csv", Self.sample, age: 0)
            try h.drop("notes.txt", Self.sample)
            let report = try #require(try await h.run().jobs.first?.inventory)
            #expect(report.filesArchived == 0)
            #expect(report.filesWaiting == ["growing.csv"])
            #expect(await h.writes == 0)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: h.dir.path("inbox/growing.csv"))
            #expect(try await h.run().jobs.first?.inventory?.filesArchived == 1)
            #expect(h.files("inbox").sorted() == [".hidden.csv", "notes.txt", "upload.csv.filepart"])
        }
    }

    @Test func doneMarkerMode() async throws {
        try await using(try await InventoryHarness.start(section: "  done_marker: .done\n")) { h async throws in
            try h.drop("stock.csv", Self.sample)
            #expect(try await h.run().jobs.first?.inventory?.filesWaiting == ["stock.csv"])
            try h.drop("stock.csv.done", [])
            #expect(try await h.run().jobs.first?.inventory?.filesArchived == 1)
            #expect(h.files("archive").contains { $0.hasSuffix("/stock.csv.done") }, "the marker is consumed with its file")
        }
    }

    @Test func aBrokenFileGoesToErrorWithTheReasonAndNothingIsSent() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.drop(
                "broken.csv",
                Array("Artikel;EAN;Lager;Bestand;Reserviert;Zulauf;Status\r\nA;000000000017;HH;5;0;;A\r\nB;\"unterminated;HH;1;0;;A\r\n".utf8))
            let outcome = try await h.run()
            #expect(outcome.status == .partial)
            #expect(outcome.jobs.first?.inventory?.filesFailed == 1)
            #expect(await h.writes == 0)
            let reason = try String(contentsOfFile: h.dir.path("error/broken.csv.error.txt"), encoding: .utf8)
            #expect(reason.contains("broken.csv:3") && reason.contains("never closed") && reason.contains("Nothing from this file was sent"))
        }
    }

    /// JOOR refusing the push (here a 400, which the client does not retry, so the test is quick;
    /// 5xx and timeouts take the same path after the client's own retries).
    @Test func aRefusedPushKeepsTheFileForTheNextRunThenQuarantinesIt() async throws {
        try await using(try await InventoryHarness.start(section: "  max_attempts: 2\n")) { h async throws in
            try h.drop("stock.csv", Self.sample)
            await h.sandbox.state.plan(FaultPlan(failCount: 1_000, failStatus: 400))
            let first = try await h.run()
            #expect(first.status == .partial)
            #expect(h.files("processing") == ["stock.csv"], "kept for the next run")
            let second = try await h.run()
            #expect(h.files("error").contains("stock.csv"), "quarantined after 2 attempts")
            // The failure ends the job, and its summary still says what became of the file.
            #expect(second.jobs.first?.inventory?.filesQuarantined == 1, "\(second.summaryText)")
            #expect(second.summaryText.contains("1 quarantined"), "\(second.summaryText)")
            #expect(try String(contentsOfFile: h.dir.path("error/stock.csv.error.txt"), encoding: .utf8).contains("quarantined after 2"))
            // Moved back, as the error file says: it has its attempts again (it was quarantined at
            // its first failure, its count kept).
            try FileManager.default.moveItem(atPath: h.dir.path("error/stock.csv"), toPath: h.dir.path("inbox/stock.csv"))
            _ = try await h.run()
            #expect(h.files("processing") == ["stock.csv"], "kept for the next run again: \(h.files("error"))")
        }
    }

    /// JOOR unreachable is not the file's failed attempt: an outage must not quarantine good files.
    @Test func jOORUnreachableDoesNotUseUpAFilesAttempts() async throws {
        try await using(try await InventoryHarness.start(section: "  max_attempts: 1\n")) { h async throws in
            try h.drop("stock.csv", Self.sample)
            await h.sandbox.stop()
            let outcome = try await h.run()
            #expect(outcome.status == .unavailable, "\(outcome.summaryText)")
            #expect(h.files("processing") == ["stock.csv"], "kept, not quarantined: \(h.files("error"))")
        }
    }

    @Test func aHundredThousandRowsGoInCeilNOverBatchRequestsAndAgainInNone() async throws {
        try await using(try await InventoryHarness.start(section: "  batch_size: 2000\n", creditLimit: 100_000)) { h async throws in
            let count = 100_000
            var upcs: [Style.UPC] = []
            var rows = "Artikel;EAN;Lager;Bestand;Reserviert;Zulauf;Status\r\n"
            rows.reserveCapacity(count * 40)
            for i in 0..<count {
                let upc = String(format: "9%011d", i)
                upcs.append(.init(colorCode: String(i / 100), sizeName: String(i % 100), upc: upc))
                rows += "S;\(upc);HH;\(i % 97);0;;A\r\n"
            }
            await h.sandbox.state.register(Style(styleName: "Bulk", styleNumber: "BULK", styleIdentifier: "BULK", upcs: upcs))
            try h.drop("big.csv", Array(rows.utf8))
            let report = try #require(try await h.run().jobs.first?.inventory)
            #expect(report.itemsSent == count && report.rowsRejected == 0)
            #expect(await h.writes == (count + 1999) / 2000, "⌈100,000 / 2,000⌉ write requests")
            try h.drop("big-again.csv", Array(rows.replacingOccurrences(of: "\r\n", with: "\n").utf8))
            let again = try #require(try await h.run().jobs.first?.inventory)
            #expect(again.itemsSent == 0 && again.itemsUnchanged == count)
            #expect(await h.writes == (count + 1999) / 2000, "the same data again: zero writes")
        }
    }
}

@Suite("Inventory sync: order of files", .serialized)
struct InventoryFileOrderTests {
    static func file(_ quantity: Int) -> [UInt8] {
        Array("Artikel;EAN;Lager;Bestand;Reserviert;Zulauf;Status\r\nA;000000000017;HH;\(quantity);0;;A\r\n".utf8)
    }

    @Test func anOlderFileArrivingLateNeverOverwritesANewerOne() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.drop("stock_new.csv", Self.file(50), age: 60)
            _ = try await h.run()
            try h.drop("stock_old.csv", Self.file(10), age: 3600)
            let late = try #require(try await h.run().jobs.first?.inventory)
            #expect(late.itemsSent == 0 && late.itemsUnchanged == 1 && late.filesArchived == 1)
            #expect(await h.sandbox.state.allStock().first?.inventory == 50)
        }
    }

    @Test func filesOfOneRunGoOldestFirst() async throws {
        try await using(try await InventoryHarness.start()) { h async throws in
            try h.drop("b_newer.csv", Self.file(7), age: 60)
            try h.drop("a_older.csv", Self.file(3), age: 600)
            _ = try await h.run()
            #expect(await h.sandbox.state.allStock().first?.inventory == 7, "the newest file's quantity stands")
        }
    }
}
