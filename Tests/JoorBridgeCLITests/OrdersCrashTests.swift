import FileFormats
import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// Kills the real executable with SIGKILL at many seeded points of order downloads, reruns until
/// a run finishes, then checks that every order is in the outbox exactly once and that nothing
/// under a name the WMS would pick up is half written. See docs/exactly-once.md.
///
/// `JOORBRIDGE_CRASH_ITERATIONS` (default 60) sets the number of kills; `JOORBRIDGE_CRASH_SEED` the seed.
@Suite("Order download survives SIGKILL", .serialized)
struct OrdersCrashTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["JOORBRIDGE_CRASH_ITERATIONS"] ?? "") ?? 60
    static let seed = UInt64(ProcessInfo.processInfo.environment["JOORBRIDGE_CRASH_SEED"] ?? "") ?? 20_261_126

    @Test func everyOrderArrivesExactlyOnceWhateverTheKillPoint() async throws {
        // A high credit limit: every crashed run triggers a catch-up read; rate limits are tested elsewhere.
        try await using(try await JoorSandboxServer.started(token: "crash-token", orders: 150, creditLimit: 1_000_000)) { sandbox async throws in
            let dir = try sandbox.ordersWorkspace("crash", tokenEnv: "CRASH_TOKEN")
            let env = ["CRASH_TOKEN": "crash-token"]
            var matrix = KillMatrix(arguments: ["run", "orders"], directory: dir.path, environment: env, seed: Self.seed)
            matrix.named = ["page received, not journaled", "page journaled", "delivered recorded", "recovery published a file"]
            let result = try await matrix.run(kills: Self.iterations) { batch in try await Self.moreOrders(sandbox, batch: batch) }
            #expect(result.kills >= 50, "at least 50 kill points (got \(result.kills))")
            #expect(result.cleanRuns >= 1, "the kills spread over whole runs, new orders arriving in between")
            #expect(result.checkpointKills >= 30)
            // Every step of the protocol was killed at least once.
            let steps = [
                "page received, not journaled", "page journaled", "temporary half written", "temporary written", "writing recorded", "file published",
                "delivered recorded",
            ]
            let missed = steps.filter { result.checkpoints[$0] == nil }
            #expect(missed.isEmpty, "checkpoints never killed: \(missed); hit: \(result.checkpoints)")
            let final = try await matrix.finish()
            #expect(final.status == 0, "\(final.stderr)")

            let orders = await sandbox.state.allOrders()
            let eligible = orders.filter { $0.status == .approved && $0.order.customerCode != nil }
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox"))
            #expect(files.allSatisfy { !$0.hasPrefix(".") }, "no temporary file left: \(files.filter { $0.hasPrefix(".") })")
            var orderFiles: [String: [String]] = [:]
            for file in files where file.hasPrefix("ORD_") {
                orderFiles[String(file.dropFirst(4).prefix { $0 != "_" }), default: []].append(file)
            }
            #expect(Set(orderFiles.keys) == Set(eligible.map(\.id)), "every eligible order is in the outbox")
            let duplicated = orderFiles.filter { $0.value.count > 1 }
            #expect(duplicated.isEmpty, "orders delivered twice: \(duplicated)")
            let customerFiles = files.filter { $0.hasPrefix("CUST_") }
            #expect(customerFiles.count == eligible.count)
            // Every visible file is complete: header plus one row per line item, properly terminated.
            for order in eligible {
                guard let name = orderFiles[order.id]?.first else { continue }
                let path = dir.path("outbox/\(name)")
                let bytes = try Fixtures.bytes(path)
                #expect(bytes.suffix(2) == [13, 10], "\(name) ends with a complete record")
                var options = CSVReadOptions()
                options.hasHeader = true
                let reader = try CSVReader(path: path, options: options)
                var rows = 0
                while try reader.next() != nil { rows += 1 }
                #expect(rows == order.order.lineItems.count, "\(name) has every line")
            }
            // JOOR exported each order once: nothing was pulled twice with sync=1.
            #expect(eligible.allSatisfy { $0.exportCount == 1 })
        }
    }

    /// A crash between publishing a file and writing its `NAME.done`: the next run writes the marker
    /// (a WMS that waits for markers would otherwise never import that order), and only for files
    /// still in the outbox.
    @Test func aFilePublishedJustBeforeACrashGetsItsDoneMarkerOnTheNextRun() async throws {
        try await using(try await JoorSandboxServer.started(token: "marker-token", orders: 3)) { sandbox async throws in
            let dir = try TemporaryDirectory("markers")
            try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml"])
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor: { token_env: MARKER_TOKEN, base_url: "\(sandbox.baseURL)" }
                    folders: { outbox: ./outbox }
                    state: ./state/joorbridge.sqlite
                    orders: { mapping: mappings/orders-csv-lines.yml, customers_mapping: mappings/customers-csv.yml, done_marker: true }
                    """)
            let env = ["MARKER_TOKEN": "marker-token"]
            let killed = try await Executable.run(
                ["run", "orders"], in: dir.path, environment: env.merging(["JOORBRIDGE_CRASH_AT": "file published, done marker not written"]) { $1 })
            #expect(killed.stderr.contains("crash test: SIGKILL"), "\(killed.stderr)")
            let published = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")).filter { !$0.hasPrefix(".") }
            #expect(published.count == 1 && !published[0].hasSuffix(".done"), "one file published, its marker not yet: \(published)")
            let rerun = try await Executable.run(["run", "orders"], in: dir.path, environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")))
            let data = files.filter { !$0.hasSuffix(".done") }
            let deliverable = await sandbox.state.allOrders().filter { $0.order.customerCode != nil }.count
            #expect(deliverable >= 2 && data.count == 2 * deliverable, "an order file and a customer file per order: \(data.sorted())")
            #expect(data.allSatisfy { files.contains($0 + ".done") }, "every file has its marker: \(files.sorted())")
            #expect(files.count == 2 * data.count)
        }
    }

    /// Publishing gives the temporary file its final name in one step where the file system can
    /// (`renameat2` with `RENAME_NOREPLACE`): no crash leaves the file under both names, so a WMS
    /// that takes the file before the next run never gets it a second time. (With link + unlink,
    /// a kill between the two left the temporary behind and the next run published it again.)
    @Test func aFileTakenAfterACrashWhilePublishingIsNotDeliveredAgain() async throws {
        try await using(try await JoorSandboxServer.started(token: "publish-token", orders: 3)) { sandbox async throws in
            let dir = try sandbox.ordersWorkspace("publish", tokenEnv: "PUBLISH_TOKEN")
            let env = ["PUBLISH_TOKEN": "publish-token"]
            let first = try await Executable.run(
                ["run", "orders"], in: dir.path, environment: env.merging(["JOORBRIDGE_CRASH_AT": "file linked, temporary not removed"]) { $1 })
            #expect(
                !first.stderr.contains("crash test: SIGKILL"), "publishing used link + unlink (no renameat2 on this file system?): \(first.stderr)")
            let taken = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")).filter { !$0.hasPrefix(".") }
            #expect(!taken.isEmpty)
            for name in taken { try FileManager.default.removeItem(atPath: dir.path("outbox/\(name)")) }  // the WMS imports them
            let rerun = try await Executable.run(["run", "orders"], in: dir.path, environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let again = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox"))).intersection(taken)
            #expect(again.isEmpty, "delivered a second time: \(again.sorted()); first run: \(first.stderr)")
        }
    }

    static func moreOrders(_ sandbox: JoorSandboxServer, batch: Int) async throws {
        let orders = OrderSeeder.orders(count: 30, seed: UInt64(batch) &* 7919, firstID: 9_500_000 + batch * 100)
        try await sandbox.state.add(orders)
    }
}
