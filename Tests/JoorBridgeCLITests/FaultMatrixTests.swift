import Foundation
import JoorModels
import TestSupport
import Testing

@testable import JoorSandbox

/// JOOR misbehaving in every way we know, through the built executable: the exit code and summary
/// say what happened, and once the fault clears a rerun leaves every order delivered exactly once
/// and every inventory value correct.
@Suite("Fault matrix")
struct FaultMatrixTests {
    struct Fault: Sendable, CustomTestStringConvertible {
        var name: String
        var plan: FaultPlan
        /// Exit codes the faulty run may end with.
        var codes: Set<Int32>
        /// How many of the planned faults must have fired (the sandbox counts them).
        var fired: Int
        /// The client's request timeout during the faulty run. Generous unless timeouts are the
        /// fault: the sandbox shares this test process with the other suites and can be starved of
        /// CPU for many seconds on a loaded 2-core CI machine.
        var requestTimeout = 15
        var testDescription: String { name }
    }

    static let faults: [Fault] = [
        Fault(name: "429 storm", plan: FaultPlan(failCount: 5, failStatus: 429), codes: [0], fired: 5),
        Fault(name: "503 burst", plan: FaultPlan(failCount: 3, failStatus: 503), codes: [0], fired: 3),
        Fault(name: "502 burst mid-run", plan: FaultPlan(failCount: 2, failStatus: 502, afterRequests: 2), codes: [0], fired: 2),
        Fault(
            name: "500s on every inventory push", plan: FaultPlan(failCount: 40, failStatus: 500, pathPrefix: "/v2/bulk-inventory"), codes: [3],
            fired: 6),
        Fault(
            name: "500s on every order read", plan: FaultPlan(failCount: 40, failStatus: 500, pathPrefix: "/v2/order"), codes: [69], fired: 3),
        Fault(name: "connections cut mid-response", plan: FaultPlan(cutCount: 2), codes: [0], fired: 2),
        Fault(name: "malformed JSON", plan: FaultPlan(malformedCount: 1), codes: [3], fired: 1),
        Fault(
            name: "answers lost after JOOR carried out sync pulls",
            plan: FaultPlan(pathPrefix: "/v2/order", loseAnswerCount: 2, queryContains: "sync=1"), codes: [0], fired: 2),
        Fault(
            name: "sync pull carried out, then 503",
            plan: FaultPlan(failStatus: 503, pathPrefix: "/v2/order", processThenFailCount: 1, queryContains: "sync=1"), codes: [0], fired: 1),
        Fault(name: "timeouts", plan: FaultPlan(latencyMilliseconds: 5_000), codes: [69], fired: 1, requestTimeout: 2),
        Fault(name: "token revoked mid-run", plan: FaultPlan(failCount: 100, failStatus: 401, afterRequests: 3), codes: [69], fired: 1),
    ]

    static let skus = 120

    @Test(arguments: faults)
    func faultThenRerun(_ fault: Fault) async throws {
        try await using(try await JoorSandboxServer.started(token: "fault-token", orders: 25)) { sandbox async throws in
            await WatchTests.register(sandbox, rows: Self.skus, first: 7_000)
            let dir = try TemporaryDirectory("fault")
            try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml", "inventory-csv.yml"])
            func configure(requestTimeout: Int) throws {
                try dir.write(
                    "joorbridge.yml",
                    text: """
                        version: 1
                        joor: { token_env: FAULT_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000, request_timeout_seconds: \(requestTimeout) }
                        state: ./state/joorbridge.sqlite
                        orders: { mapping: mappings/orders-csv-lines.yml, order_status: all, page_size: 10 }
                        inventory: { mapping: mappings/inventory-csv.yml, include: ["stock_*.csv"], settle_seconds: 0, batch_size: 25, max_attempts: 5 }
                        """)
            }
            try configure(requestTimeout: fault.requestTimeout)
            try dir.write("inbox/stock_1.csv", text: WatchTests.stock(rows: Self.skus, first: 7_000, quantity: 6))
            let env = ["FAULT_TOKEN": "fault-token"]

            await sandbox.state.plan(fault.plan)
            let faulty = try await Executable.run(["run", "--report", "faulty.json"], in: dir.path, environment: env, timeout: 180)
            #expect(fault.codes.contains(faulty.status), "\(fault.name): exit \(faulty.status)\n\(faulty.stderr)")
            let fired = await sandbox.state.faultsFired
            #expect(fired >= fault.fired, "\(fault.name): the fault fired \(fired) time(s), at least \(fault.fired) expected")
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("faulty.json")))) as? [String: Any]
            #expect(report?["exitCode"] as? Int == Int(faulty.status), "the report says what the exit code says")
            if faulty.status != 0 {
                #expect(faulty.stderr.contains("failed"), "the summary names the failed job: \(faulty.stderr)")
                #expect(!faulty.stderr.contains("fault-token"))
            }

            await sandbox.state.plan(FaultPlan())
            try configure(requestTimeout: 30)
            let rerun = try await Executable.run(["run"], in: dir.path, environment: env, timeout: 180)
            #expect(rerun.status == 0, "\(fault.name): the rerun after the fault cleared: \(rerun.stderr)")

            // Every order JOOR handed out (marked exported) was delivered exactly once, except those
            // without a customer code, skipped as configured.
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")).filter { $0.hasPrefix("ORD_") }
            let ids = files.map { $0.split(separator: "_")[1] }
            let orders = await sandbox.state.allOrders()
            #expect(Set(ids).count == ids.count, "\(fault.name): an order was delivered twice: \(ids.sorted())")
            let deliverable = orders.filter { $0.exported && !($0.order.customerCode ?? "").isEmpty }
            #expect(deliverable.count >= 15)
            #expect(Set(ids.map(String.init)) == Set(deliverable.map(\.id)), "\(fault.name): every order delivered")
            #expect(!files.contains { $0.hasPrefix(".") })

            // Every SKU has the file's quantity; the file was archived once.
            let stock = await sandbox.state.allStock()
            #expect(stock.count == Self.skus && stock.allSatisfy { $0.inventory == 6 }, "\(fault.name): \(stock.count) positions")
            let archived = try FileManager.default.subpathsOfDirectory(atPath: dir.path("archive")).filter { $0.hasSuffix(".csv") }
            #expect(archived.count == 1)
        }
    }
}

/// Whether this test process may mount a tmpfs (root with CAP_SYS_ADMIN).
let canMountTmpfs: Bool = {
    guard getuid() == 0, let dir = try? TemporaryDirectory("mount-probe") else { return false }
    guard mount("tmpfs", dir.path, "tmpfs", 0, "size=64k") == 0 else { return false }
    umount(dir.path)
    return true
}()

/// The outbox disk fills up mid-run: a small tmpfs mounted on the outbox (needs root and mount
/// rights; skipped elsewhere, with the reason in the test name's trait).
@Suite("Outbox disk full", .serialized, .enabled(if: canMountTmpfs, "needs root with permission to mount a tmpfs"))
struct DiskFullTests {
    @Test func aFullDiskFailsTheRunAndTheRerunDeliversEveryOrderOnce() async throws {
        try await using(try await JoorSandboxServer.started(token: "disk-token", orders: 30)) { sandbox async throws in
            let dir = try TemporaryDirectory("disk-full")
            try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml"])
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor: { token_env: DISK_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000 }
                    state: ./state/joorbridge.sqlite
                    orders: { mapping: mappings/orders-csv-lines.yml, customers_mapping: mappings/customers-csv.yml, order_status: all, page_size: 10 }
                    """)
            let outbox = dir.path("outbox")
            try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
            try #require(mount("tmpfs", outbox, "tmpfs", 0, "size=256k") == 0, "the tmpfs is mounted on the outbox")
            defer { umount2(outbox, Int32(MNT_DETACH)) }
            // Leave room for a few orders only.
            let filler = outbox + "/.filler"
            _ = FileManager.default.createFile(atPath: filler, contents: Data(repeating: 0x20, count: 256 * 1024 - 12 * 1024))

            let env = ["DISK_TOKEN": "disk-token"]
            let full = try await Executable.run(["run"], in: dir.path, environment: env)
            #expect(full.status == 3, "\(full.stderr)")
            #expect(full.stderr.contains("No space left on device"), "the summary says why: \(full.stderr)")
            let partial = try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasPrefix("ORD_") }
            let deliverable = await sandbox.state.allOrders().filter { $0.status != .cancelled && !($0.order.customerCode ?? "").isEmpty }.count
            #expect(
                partial.count >= 1 && partial.count < deliverable,
                "some orders fitted, then the disk filled before the end: \(partial.count) of \(deliverable)")
            for name in partial {
                let text = try String(contentsOfFile: outbox + "/" + name, encoding: .utf8)
                #expect(text.hasSuffix("\r\n"), "\(name) is complete, never half-written")
            }

            try FileManager.default.removeItem(atPath: filler)  // the operator makes room
            let rerun = try await Executable.run(["run"], in: dir.path, environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasPrefix("ORD_") }
            let ids = files.map { String($0.split(separator: "_")[1]) }
            let expected = await sandbox.state.allOrders().filter { $0.exported && !($0.order.customerCode ?? "").isEmpty }.map(\.id)
            #expect(Set(ids).count == ids.count, "no order twice")
            #expect(Set(ids) == Set(expected), "every order delivered")
            #expect(try FileManager.default.contentsOfDirectory(atPath: outbox).allSatisfy { !$0.hasSuffix(".tmp") }, "no temporary left behind")
        }
    }
}

/// The archive folder turns read-only (a read-only mount): the push is done, the file cannot be
/// archived; the run says so, the file waits in processing/, and once the archive is writable again
/// the rerun archives it without sending anything twice.
@Suite("Read-only archive", .serialized, .enabled(if: canMountTmpfs, "needs root with permission to mount a tmpfs"))
struct ReadOnlyArchiveTests {
    @Test func aReadOnlyArchiveKeepsTheFileForTheNextRun() async throws {
        try await using(try await JoorSandboxServer.started(token: "watch-token")) { sandbox async throws in
            await WatchTests.register(sandbox, rows: 30, first: 8_000)
            let dir = try WatchTests.workspace(sandbox, batchSize: 10)
            try dir.write("inbox/stock_ro.csv", text: WatchTests.stock(rows: 30, first: 8_000, quantity: 4))
            let archive = dir.path("archive")
            try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
            try #require(mount("tmpfs", archive, "tmpfs", UInt(MS_RDONLY), "size=64k") == 0, "the read-only tmpfs is mounted on the archive")
            let env = ["WATCH_TOKEN": "watch-token"]
            let blocked = try await Executable.run(["run", "inventory"], in: dir.path, environment: env)
            umount2(archive, Int32(MNT_DETACH))
            #expect(blocked.status == 3, "\(blocked.stderr)")
            #expect(blocked.stderr.contains("inventory: failed"), "\(blocked.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir.path("processing/stock_ro.csv")), "the file waits in processing/")
            #expect(await sandbox.state.allStock().filter { $0.inventory == 4 }.count == 30, "JOOR has the quantities")
            let writes = await sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0

            let rerun = try await Executable.run(["run", "inventory"], in: dir.path, environment: env)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect((await sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0) == writes, "nothing sent twice")
            let archived = try FileManager.default.subpathsOfDirectory(atPath: archive).filter { $0.hasSuffix("stock_ro.csv") }
            #expect(archived.count == 1)
        }
    }
}
