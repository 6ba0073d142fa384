import Foundation
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// Switching from another integration, through the binary: orders the other integration exported
/// are never delivered again, whatever the kill points of joorbridge's first day; adopted orders
/// get their amendments; a shadow run changes nothing and shows what a run then writes; a sync
/// pull JOOR carried out but answered 503 loses no order.
@Suite("Cut-over from another integration")
struct CutOverTests {
    static let token = "cutover-token"
    static let env = ["CUTOVER_TOKEN": token]

    static func workspace(_ sandbox: JoorSandboxServer, extra: String = "") throws -> TemporaryDirectory {
        try sandbox.ordersWorkspace("cutover", tokenEnv: "CUTOVER_TOKEN", orders: extra)
    }

    static func delivered(_ dir: TemporaryDirectory, _ folder: String = "outbox") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path(folder))) ?? [])
            .filter { $0.hasPrefix("ORD_") }.map { String($0.dropFirst(4).prefix { $0 != "_" && $0 != "." }) }
    }

    /// The other integration pulled (sync=1) what was there before joorbridge's first run.
    static func otherIntegrationExports(_ sandbox: JoorSandboxServer) async throws -> Set<String> {
        _ = try await sandbox.state.listOrders(["sync": "1", "order_type": "6", "count": "1000"])
        return Set(await sandbox.state.allOrders().filter(\.exported).map(\.id))
    }

    @Test func ordersAnotherIntegrationExportedAreNeverDeliveredWhateverTheKillPoints() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 40, creditLimit: 1_000_000)) { sandbox async throws in
            let theirs = try await Self.otherIntegrationExports(sandbox)
            #expect(theirs.count > 10)
            // New orders keep arriving on joorbridge's first day, while it is killed again and again.
            try await sandbox.state.add(OrderSeeder.orders(count: 30, seed: 77, firstID: 9_800_001))
            let dir = try Self.workspace(sandbox)
            let matrix = KillMatrix(arguments: ["run", "orders"], directory: dir.path, environment: Self.env, seed: 911)
            let result = try await matrix.run(kills: 32) { batch in
                try await sandbox.state.add(OrderSeeder.orders(count: 10, seed: UInt64(batch) &* 13, firstID: 9_810_000 + batch * 100))
            }
            #expect(result.kills >= 30, "\(result)")
            #expect(result.checkpoints["page received, not journaled"] != nil, "a sync answer was lost at least once: \(result.checkpoints)")
            let final = try await matrix.finish()
            #expect(final.status == 0, "\(final.stderr)")
            let delivered = Self.delivered(dir)
            #expect(
                Set(delivered).isDisjoint(with: theirs), "none of the other integration's orders: \(Set(delivered).intersection(theirs).sorted())")
            #expect(Set(delivered).count == delivered.count, "none twice")
            let ours = await sandbox.state.allOrders().filter { $0.exported && !theirs.contains($0.id) }
            #expect(Set(ours.filter { $0.order.customerCode != nil }.map(\.id)) == Set(delivered), "every order joorbridge exported, delivered")
            #expect(ours.allSatisfy { $0.exportCount == 1 })
            let status = try await Executable.run(["status"], in: dir.path)
            #expect(status.stdout.contains("first run 20"), "\(status.stdout)")
        }
    }

    @Test func anAdoptedOrderIsNeverDeliveredButItsAmendmentIs() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 8)) { sandbox async throws in
            let theirs = try await Self.otherIntegrationExports(sandbox)
            let id = try #require(await sandbox.state.allOrders().first { theirs.contains($0.id) && $0.order.customerCode != nil }?.id)
            let dir = try Self.workspace(sandbox, extra: "  deliver_amendments: true")
            try dir.write("in-wms.csv", text: "order_id\n" + theirs.sorted().joined(separator: "\n") + "\n")
            let adopt = try await Executable.run(["orders", "adopt", "--file", "in-wms.csv"], in: dir.path)
            #expect(adopt.status == 0 && adopt.stdout.contains("\(theirs.count) order(s) adopted"), "\(adopt.stdout)\(adopt.stderr)")
            // A catch-up reaching far back (--since) meets them: they are not delivered.
            let since = try await Executable.run(["run", "orders", "--since", "2020-01-01"], in: dir.path, environment: Self.env)
            #expect(since.status == 0, "\(since.stderr)")
            #expect(Set(Self.delivered(dir)).isDisjoint(with: theirs))
            // Changed in JOOR after the cut-over: delivered as an amendment.
            #expect(try await sandbox.state.modify(orderID: id, fields: ["order_comments": "two more please"]))
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")).filter { $0.hasPrefix("ORD_\(id)") }
            #expect(files.count == 1 && files[0].contains("_AMD1"), "\(files) \(run.stderr)")
            let again = try await Executable.run(["orders", "adopt", id], in: dir.path)
            #expect(again.stdout.contains("1 were already delivered"), "\(again.stdout)")
        }
    }

    /// adopt reads the ids from an `Order ID` column wherever it is; an id that is not a whole
    /// number (customer names from the wrong column, Excel's 8800101.0) adopts nothing and is named.
    @Test func adoptTakesOnlyJOORsOrderIDsAndNamesTheOthers() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 0)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            // A fixed-width WMS export pads ids with zeros; JOOR writes 8800107.
            try dir.write("named.csv", text: "Customer,Order ID\nHarbor Lane,8800101\nAtelier Nord, 8800102 \nKaufhaus Weber,0008800107\n")
            let named = try await Executable.run(["orders", "adopt", "--file", "named.csv"], in: dir.path)
            #expect(named.status == 0 && named.stdout.contains("3 order(s) adopted"), "\(named.stdout)\(named.stderr)")
            let padded = try await Executable.run(["orders", "show", "8800107"], in: dir.path)
            #expect(padded.status == 0 && padded.stdout.contains("adopted"), "the id as JOOR writes it: \(padded.stdout)\(padded.stderr)")
            try dir.write("wrong.csv", text: "Customer,Reference\nKaufhaus Weber,8800103\nNorth Shore,8800104.0\n")
            let wrong = try await Executable.run(["orders", "adopt", "--file", "wrong.csv", "8800105"], in: dir.path)
            #expect(wrong.status == 64, "\(wrong.stdout)\(wrong.stderr)")
            #expect(wrong.stderr.contains("error: wrong.csv:2: 'Kaufhaus Weber' is not a JOOR order id (a whole number)"), "\(wrong.stderr)")
            #expect(wrong.stderr.contains("error: wrong.csv:3: 'North Shore' is not a JOOR order id"), "\(wrong.stderr)")
            #expect(wrong.stderr.contains("nothing adopted"), "\(wrong.stderr)")
            let excel = try await Executable.run(["orders", "adopt", "8800104.0", "+8800106"], in: dir.path)
            #expect(excel.status == 64 && excel.stderr.contains("error: argument: '8800104.0' is not a JOOR order id"), "\(excel.stderr)")
            #expect(excel.stderr.contains("error: argument: '+8800106' is not a JOOR order id"), "a sign is not part of an id: \(excel.stderr)")
            let shown = try await Executable.run(["orders", "show", "8800105"], in: dir.path)
            #expect(!shown.stdout.contains("adopted"), "nothing of the refused batch was adopted: \(shown.stdout)")
            let first = try await Executable.run(["orders", "show", "8800102"], in: dir.path)
            #expect(first.stdout.contains("adopted"), "\(first.stdout)")
        }
    }

    @Test func aShadowRunChangesNothingAndWritesWhatARunThenWrites() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 12)) { sandbox async throws in
            let dir = try TemporaryDirectory("shadow")
            try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml"])
            // File names without a timestamp, so the shadow's and the run's names can be compared.
            let mapping = try String(contentsOfFile: dir.path("mappings/orders-csv-lines.yml"), encoding: .utf8)
                .replacingOccurrences(of: "_{now:yyyyMMddHHmmss}", with: "")
            try dir.write("mappings/orders-csv-lines.yml", text: mapping)
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor: { token_env: CUTOVER_TOKEN, base_url: "\(sandbox.baseURL)" }
                    folders: { outbox: ./outbox }
                    state: ./state/joorbridge.sqlite
                    orders: { mapping: mappings/orders-csv-lines.yml, customers_mapping: mappings/customers-csv.yml }
                    """)
            let before = await sandbox.state.allOrders()
            let shadow = try await Executable.run(["run", "orders", "--shadow", "shadow"], in: dir.path, environment: Self.env)
            #expect(shadow.status == 0, "\(shadow.stderr)")
            #expect(await sandbox.state.allOrders() == before, "no export flag changed")
            let ledger = try await Executable.run(["status", "--json"], in: dir.path)
            let state = try JSONSerialization.jsonObject(with: Data(ledger.stdout.utf8)) as? [String: Any]
            #expect((state?["ordersByState"] as? [String: Int] ?? [:]).values.allSatisfy { $0 == 0 }, "nothing entered the ledger: \(ledger.stdout)")
            #expect(state?["firstRun"] == nil, "a shadow run is not the install's first run")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.path("outbox"))) ?? []).isEmpty)
            let shadowFiles = try FileManager.default.contentsOfDirectory(atPath: dir.path("shadow")).sorted()
            #expect(!shadowFiles.isEmpty)
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            let runFiles = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")).sorted()
            #expect(runFiles == shadowFiles)
            for name in runFiles {
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: dir.path("outbox/\(name)")))
                        == Data(contentsOf: URL(fileURLWithPath: dir.path("shadow/\(name)"))), "\(name) differs")
            }
        }
    }

    @Test func aSyncPullCarriedOutButAnswered503LosesNoOrderInTheSameRun() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 45)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            await sandbox.state.plan(
                FaultPlan(failStatus: 503, pathPrefix: "/v2/order", afterRequests: 1, processThenFailCount: 1, queryContains: "sync=1"))
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("catch-up found"), "the page JOOR carried out was found again: \(run.stderr)")
            let deliverable = await sandbox.state.allOrders().filter { $0.status == .approved && $0.order.customerCode != nil }.map(\.id)
            #expect(Set(Self.delivered(dir)) == Set(deliverable), "every order, in the same run")
            #expect(await sandbox.state.allOrders().allSatisfy { $0.exportCount <= 1 })
        }
    }
}
