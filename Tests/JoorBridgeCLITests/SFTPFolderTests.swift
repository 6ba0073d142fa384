import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// Whether sshd and ssh-keygen are installed (`.ci/run` installs openssh-server).
let sshServerAvailable = SSHServer.available

/// The inbox and the outbox on a real OpenSSH server on loopback, through the built executable:
/// what JOOR gets, what the server shows, and what a rerun does after each kind of trouble.
@Suite("SFTP inbox and outbox", .serialized, .enabled(if: sshServerAvailable, "needs openssh-server (sshd) and ssh-keygen"))
struct SFTPFolderTests {
    static let env = ["SFTP_TOKEN": "watch-token"]

    struct Setup {
        let sandbox: JoorSandboxServer
        let server: SSHServer
        let dir: TemporaryDirectory
        var exports: String { server.root + "/exports" }
        var imports: String { server.root + "/imports" }

        func remote(_ folder: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        }
        func orderFiles(_ folder: String) -> [String] { remote(folder).filter { $0.hasPrefix("ORD_") && $0.hasSuffix(".csv") } }
        func deliverable() async -> Set<String> {
            Set(await sandbox.state.allOrders().filter { $0.exported && !($0.order.customerCode ?? "").isEmpty }.map(\.id))
        }
        func run(_ arguments: [String] = ["run"], crashAt: String? = nil, environment: [String: String] = [:]) async throws -> Executable.Outcome {
            let crash = crashAt.map { ["JOORBRIDGE_CRASH_AT": $0] } ?? [:]
            return try await Executable.run(
                arguments, in: dir.path, environment: SFTPFolderTests.env.merging(crash) { $1 }.merging(environment) { $1 }, timeout: 180)
        }
        /// Stops sshd at once (it is a separate process, which must not outlive the test) and the sandbox soon after.
        func finish() {
            server.stop()
            let sandbox = sandbox
            Task { await sandbox.stop() }
        }
    }

    /// A sandbox with `orders` orders and 40 SKUs, an sshd, and a workspace whose inbox and
    /// outbox are folders on that server.
    static func setUp(orders: Int = 6, skus: Int = 40, settle: Int = 0, sftp extra: String = "", pin: String? = nil) async throws -> Setup {
        let sandbox = try await WatchTests.sandbox(orders: orders)
        await WatchTests.register(sandbox, rows: skus, first: 5_000)
        let server = try await SSHServer.started()
        let dir = try TemporaryDirectory("sftp-bridge")
        try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml", "inventory-csv.yml"])
        for folder in ["exports", "imports"] {
            try FileManager.default.createDirectory(atPath: server.root + "/" + folder, withIntermediateDirectories: true)
        }
        let base = "sftp://\(server.user)@127.0.0.1:\(server.port)\(server.root)"
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: SFTP_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000 }
                state: ./state/joorbridge.sqlite
                folders:
                  inbox: \(base)/exports
                  outbox: \(base)/imports
                sftp:
                  key_file: \(server.userKey)
                  host_key_sha256: "\(try pin ?? server.hostKeyFingerprint())"
                  connect_timeout_seconds: 5
                  timeout_seconds: 10
                \(extra)
                orders: { mapping: mappings/orders-csv-lines.yml, order_status: all, page_size: 10, done_marker: true }
                inventory: { mapping: mappings/inventory-csv.yml, include: ["stock_*.csv"], settle_seconds: \(settle), batch_size: 25, max_attempts: 3 }
                """)
        return Setup(sandbox: sandbox, server: server, dir: dir)
    }

    @Test func filesComeFromTheServerAndOrdersGoToItOnce() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 5).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)

        let run = try await s.run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("sftp: 1 downloaded, 1 finished on the server"), "\(run.stderr)")
        let stock = await s.sandbox.state.allStock()
        #expect(stock.count == 40 && stock.allSatisfy { $0.inventory == 5 })
        #expect(!s.remote(s.exports).contains("stock_1.csv"), "taken from the remote inbox")
        #expect(s.remote(s.exports + "/archive") == ["stock_1.csv"], "archived on the server after JOOR accepted it")
        #expect(WatchTests.files(s.dir, "archive").contains { $0.hasSuffix("/stock_1.csv") && !$0.hasPrefix("sent/") }, "and kept locally")

        let delivered = await s.deliverable()
        let uploaded = s.orderFiles(s.imports)
        #expect(delivered.count >= 3)
        #expect(Set(uploaded.map { String($0.split(separator: "_")[1]) }) == delivered, "every order uploaded: \(uploaded)")
        #expect(s.remote(s.imports).filter { $0.hasPrefix(".") }.isEmpty, "no temporary left on the server")
        #expect(uploaded.allSatisfy { s.remote(s.imports).contains($0 + ".done") }, "each file has its done marker")
        #expect(try String(contentsOfFile: s.imports + "/" + uploaded[0], encoding: .utf8).hasSuffix("\r\n"))
        #expect(WatchTests.files(s.dir, "outbox").isEmpty, "nothing waits locally")
        #expect(WatchTests.files(s.dir, "archive").filter { $0.hasPrefix("sent/") }.count == uploaded.count, "a local copy of each file sent")

        let again = try await s.run()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(s.orderFiles(s.imports) == uploaded, "nothing uploaded twice")
        #expect((await s.sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0) == 2, "nothing pushed twice")
    }

    /// `run inventory --dry-run` on an SFTP inbox reads the server's file where it is: nothing is
    /// downloaded into the inbox, moved or archived on the server, sent or recorded; the body it
    /// prints is the one the real run then sends.
    @Test func aDryRunReadsTheRemoteInboxAndLeavesTheServerAsItWas() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 7).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
        await s.sandbox.state.resetCounts()
        let serverBefore = try FileManager.default.subpathsOfDirectory(atPath: s.server.root).sorted()
        let ledgerBefore = try DryRunTests.ledgerRows(s.dir)

        let scratch = s.dir.path("tmp")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let dry = try await s.run(["run", "inventory", "--dry-run"], environment: ["TMPDIR": scratch])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "the copies of the server's files are removed")
        #expect(dry.stderr.contains("dry run: nothing was sent"), "\(dry.stderr)")
        let printed = DryRunTests.printedRequests(dry.stdout)
        #expect(
            printed.map(\.0) == ["POST /v2/bulk-inventory?dec_pending=0", "POST /v2/bulk-inventory?dec_pending=0"],
            "40 SKUs in batches of 25: \(printed.map(\.0))")
        #expect(await s.sandbox.state.requestLog.allSatisfy { $0.method == "GET" }, "no write request")
        #expect(await s.sandbox.state.allStock().allSatisfy { $0.inventory != 7 })
        #expect(
            try FileManager.default.subpathsOfDirectory(atPath: s.server.root).sorted() == serverBefore,
            "nothing taken, moved or archived on the server")
        for folder in ["inbox", "processing", "archive", "error"] {
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: s.dir.path(folder))) ?? []).isEmpty, "nothing downloaded into \(folder)/")
        }
        #expect(try DryRunTests.ledgerRows(s.dir) == ledgerBefore, "the ledger is unchanged")

        let real = try await s.run(["run", "inventory"])
        #expect(real.status == 0, "\(real.stderr)")
        let sent = await s.sandbox.state.requestLog.filter { $0.method == "POST" }
        #expect(sent.map { "\($0.method) \($0.path)?\($0.query)" } == printed.map(\.0))
        #expect(sent.map { String(decoding: $0.body, as: UTF8.self) } == printed.map(\.1), "the printed bodies are what the real run sends")
        #expect(s.remote(s.exports + "/archive") == ["stock_1.csv"])
    }

    @Test func aServerThatIsDownLosesNothingAndTheRerunFinishesTheWork() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 9).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
        await s.server.stopped()

        let down = try await s.run()
        #expect(down.status == 3, "\(down.stderr)")
        #expect(down.stderr.contains("sftp problem"), "the summary says the server was the problem: \(down.stderr)")
        #expect(await s.sandbox.state.allStock().allSatisfy { $0.inventory != 9 }, "nothing of the remote file was sent")
        let delivered = await s.deliverable()
        #expect(WatchTests.files(s.dir, "outbox").count == delivered.count, "the orders wait in the local outbox")

        try await s.server.restart()
        let back = try await s.run()
        #expect(back.status == 0, "\(back.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 9 }.count == 40)
        #expect(Set(s.orderFiles(s.imports).map { String($0.split(separator: "_")[1]) }) == delivered)
        #expect(s.orderFiles(s.imports).count == delivered.count, "each order once")
        #expect(WatchTests.files(s.dir, "outbox").isEmpty)
        #expect(s.remote(s.exports + "/archive") == ["stock_1.csv"])
    }

    @Test func checkConnectLogsInAndSaysWhatIsWrong() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        let ok = try await s.run(["check", "--connect"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("inbox: logged in as \(s.server.user), host key \(try s.server.hostKeyFingerprint()) trusted"), "\(ok.stdout)")
        #expect(ok.stdout.contains("outbox: logged in"))

        try FileManager.default.removeItem(atPath: s.imports)
        let missing = try await s.run(["check", "--connect"])
        #expect(missing.status == 69)
        #expect(missing.stderr.contains("/imports: no such folder on the server"), "\(missing.stderr)")
        await s.server.stopped()
        let down = try await s.run(["check", "--connect"])
        #expect(down.status == 69)
        #expect(down.stderr.contains("cannot connect"), "\(down.stderr)")
        #expect(try await s.run(["check"]).status == 0, "without --connect nothing is contacted")
    }

    @Test func anUnknownOrChangedHostKeyIsRefusedAndNothingMoves() async throws {
        let s = try await Self.setUp(pin: "SHA256:" + String(repeating: "Q", count: 43))
        defer { s.finish() }
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 4).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
        let run = try await s.run()
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("host key is \(try s.server.hostKeyFingerprint()), not the pinned"), "\(run.stderr)")
        #expect(s.remote(s.exports) == ["stock_1.csv"], "the remote file is untouched")
        #expect(WatchTests.files(s.dir, "processing").isEmpty, "nothing was downloaded")
        #expect(s.orderFiles(s.imports).isEmpty, "nothing was uploaded")
        #expect(await s.sandbox.state.allStock().allSatisfy { $0.inventory != 4 })

        // A known_hosts file that lists another key for the server is refused the same way.
        let knownHosts = try s.server.knownHosts(with: s.server.dir.path("other_key.pub"))
        let text = try String(contentsOfFile: s.dir.path("joorbridge.yml"), encoding: .utf8)
            .replacingOccurrences(of: #"host_key_sha256: "SHA256:QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ""#, with: "known_hosts: \(knownHosts)")
        try text.write(toFile: s.dir.path("joorbridge.yml"), atomically: true, encoding: .utf8)
        let changed = try await s.run(["run", "inventory"])
        #expect(changed.status == 3)
        #expect(changed.stderr.contains("differs from the one in"), "\(changed.stderr)")
        #expect(s.remote(s.exports) == ["stock_1.csv"])
    }

    @Test func permissionDeniedOnTheServerIsReportedAndNothingIsSentTwice() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 6).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
        try await s.server.restart(readOnly: true)

        let denied = try await s.run()
        #expect(denied.status == 3, "\(denied.stderr)")
        #expect(denied.stderr.lowercased().contains("permission denied"), "\(denied.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 6 }.count == 40, "JOOR has the quantities (the file could be read)")
        #expect(s.remote(s.exports) == ["stock_1.csv"], "the server refused the archive move; the file is where it was")
        #expect(s.orderFiles(s.imports).isEmpty && !WatchTests.files(s.dir, "outbox").isEmpty, "the orders wait locally")
        let pushes = await s.sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0
        let status = try await s.run(["status"])
        #expect(
            status.stdout.contains("1 still to be archived there") && status.stdout.contains("file(s) waiting here to be uploaded"),
            "\(status.stdout)")

        try await s.server.restart(readOnly: false)
        let allowed = try await s.run()
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(s.remote(s.exports + "/archive") == ["stock_1.csv"], "archived now")
        #expect((await s.sandbox.state.requestCounts["POST /v2/bulk-inventory"] ?? 0) == pushes, "not downloaded or pushed again")
        #expect(s.orderFiles(s.imports).count == (await s.deliverable()).count)
    }

    @Test func aFileStillGrowingOnTheServerWaitsUntilItStops() async throws {
        let s = try await Self.setUp(skus: 300, settle: 2)
        defer { s.finish() }
        let lines = WatchTests.stock(rows: 300, first: 5_000, quantity: 3).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let path = s.exports + "/stock_1.csv"
        try (lines.prefix(2).joined(separator: "\r\n") + "\r\n").write(toFile: path, atomically: false, encoding: .utf8)
        // The WMS writes a line every 50 ms (15 s for the whole file) while the first run looks.
        let writing = ManagedFlag()
        let writer = Thread {
            var next = 2
            let handle = FileHandle(forWritingAtPath: path)!
            handle.seekToEndOfFile()
            while !writing.isSet && next < lines.count - 1 {
                handle.write(Data((lines[next] + "\r\n").utf8))
                next += 1
                usleep(50_000)
            }
            writing.remaining = Array(lines[next...])
            try? handle.close()
            writing.done = true
        }
        writer.start()
        let first = try await s.run(["run", "inventory"])
        writing.isSet = true
        _ = try await RunningExecutable.until { writing.done }
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("1 waiting there"), "still growing: \(first.stderr)")
        #expect(await s.sandbox.state.allStock().allSatisfy { $0.inventory != 3 }, "nothing of the growing file was sent")

        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(writing.remaining.map { $0 + "\r\n" }.joined().utf8))
        try handle.close()
        let second = try await s.run(["run", "inventory"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 3 }.count == 300, "the whole file, once complete")
    }

    @Test func watchTakesRemoteFilesOnItsPollsAndUploadsOrders() async throws {
        let s = try await Self.setUp(settle: 1)
        defer { s.finish() }
        let watch = try RunningExecutable(["watch", "--poll", "0.3", "--interval", "60"], in: s.dir.path, environment: Self.env)
        let uploaded = try await RunningExecutable.until(timeout: 120) { s.orderFiles(s.imports).count >= 3 }
        #expect(uploaded, "orders reached the server")
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 12).write(toFile: s.exports + "/stock_w.csv", atomically: true, encoding: .utf8)
        let archived = try await RunningExecutable.until(timeout: 120) { s.remote(s.exports + "/archive") == ["stock_w.csv"] }
        watch.signal(SIGTERM)
        let outcome = try await watch.wait(timeout: 60)
        #expect(archived, "the file was taken on a later poll, without the run waiting for it: \(outcome.stderr)")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 12 }.count == 40)
        #expect(Set(s.orderFiles(s.imports).map { String($0.split(separator: "_")[1]) }) == (await s.deliverable()))
    }

    @Test func aNameTakenOnTheServerIsNeverOverwritten() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        await s.server.stopped()
        let down = try await s.run(["run", "orders"])
        #expect(down.status == 3)
        let waiting = WatchTests.files(s.dir, "outbox")
        #expect(!waiting.isEmpty)
        // Meanwhile files of the same names appear on the server (another sender, an old export).
        for name in waiting { try "someone else's file\r\n".write(toFile: s.imports + "/" + name, atomically: true, encoding: .utf8) }

        try await s.server.restart()
        let run = try await s.run(["run", "orders"])
        #expect(run.status == 0, "\(run.stderr)")
        for name in waiting {
            #expect(try String(contentsOfFile: s.imports + "/" + name, encoding: .utf8) == "someone else's file\r\n", "\(name) untouched")
            let renamed = name.replacingOccurrences(of: ".csv", with: "_2.csv")
            #expect(s.remote(s.imports).contains(renamed) && s.remote(s.imports).contains(renamed + ".done"), "uploaded as \(renamed)")
        }
    }

    /// Killed after archiving an uploaded file's local copy, before its upload record was removed:
    /// a later file of the same name (a fixed per-run name) is still uploaded, not taken for done.
    @Test func aLaterFileOfAnUploadedNameIsUploadedAfterACrash() async throws {
        let s = try await Self.setUp(orders: 2)
        defer { s.finish() }
        let killed = try await s.run(["run", "orders"], crashAt: "sftp local copy archived")
        #expect(killed.status != 0, "\(killed.stderr)")
        let archived = try #require(WatchTests.files(s.dir, "archive").first { $0.hasSuffix(".csv") }, "a local copy archived")
        let name = URL(fileURLWithPath: archived).lastPathComponent
        #expect(s.remote(s.imports).contains(name))
        #expect(try await s.run(["run", "orders"]).status == 0)
        try "a later file of the same name\r\n".write(toFile: s.dir.path("outbox/" + name), atomically: true, encoding: .utf8)
        let later = try await s.run(["run", "orders"])
        #expect(later.status == 0, "\(later.stderr)")
        let renamed = name.replacingOccurrences(of: ".csv", with: "_2.csv")
        #expect(
            (try? String(contentsOfFile: s.imports + "/" + renamed, encoding: .utf8)) == "a later file of the same name\r\n",
            "uploaded as \(renamed): \(s.remote(s.imports))")
    }

    @Test func aRemoteDoneMarkerIsAwaitedAndArchivedWithItsFile() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        let text = try String(contentsOfFile: s.dir.path("joorbridge.yml"), encoding: .utf8).replacingOccurrences(
            of: "settle_seconds: 0,", with: "settle_seconds: 0, done_marker: .ok,")
        try text.write(toFile: s.dir.path("joorbridge.yml"), atomically: true, encoding: .utf8)
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 11).write(toFile: s.exports + "/stock_m.csv", atomically: true, encoding: .utf8)
        let early = try await s.run(["run", "inventory"])
        #expect(early.status == 0, "\(early.stderr)")
        #expect(early.stderr.contains("1 waiting there"), "no marker yet: \(early.stderr)")
        #expect(s.remote(s.exports).contains("stock_m.csv"))

        _ = FileManager.default.createFile(atPath: s.exports + "/stock_m.csv.ok", contents: nil)
        let run = try await s.run(["run", "inventory"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 11 }.count == 40)
        #expect(s.remote(s.exports + "/archive") == ["stock_m.csv", "stock_m.csv.ok"], "the marker goes along")
    }

    /// Killed after a file's copy reached processing/, before the server's file was checked again:
    /// the WMS rewrote it meanwhile. The next run checks before it counts the copy: it is dropped
    /// and the new export taken (the copy was pushed and the new export archived unread).
    @Test func aCopyNotCheckedBeforeACrashIsCheckedOnTheNextRun() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 7).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
        let killed = try await s.run(["run", "inventory"], crashAt: "sftp file copied, not checked")
        #expect(killed.status != 0, "\(killed.stderr)")
        // While the server cannot be reached, the copy cannot be checked: it waits, unsent.
        await s.server.stopped()
        let unreachable = try await s.run(["run", "inventory"])
        #expect(await s.sandbox.state.allStock().allSatisfy { $0.inventory != 7 }, "the unchecked copy is not sent: \(unreachable.stderr)")
        try await s.server.restart()
        try await Task.sleep(for: .milliseconds(1_100))  // the server's times have whole seconds
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 8).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
        let run = try await s.run(["run", "inventory"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 8 }.count == 40, "the export as the server has it")
        #expect(s.remote(s.exports + "/archive") == ["stock_1.csv"])
    }

    /// A file on the server whose name is not UTF-8 waits there, and the run says to rename it
    /// (it was looked for by a repaired name: "gone before it could be downloaded", every run).
    @Test func aRemoteFileWhoseNameIsNotUTF8WaitsAndIsReported() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        let path = Array((s.exports + "/stock_S").utf8) + [0xFC] + Array("d.csv".utf8) + [0]
        let fd = path.withUnsafeBytes { open($0.baseAddress!.assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(fd >= 0)
        close(fd)
        let run = try await s.run(["run", "inventory"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("its name is not UTF-8") && run.stderr.contains("1 waiting there"), "\(run.stderr)")
        #expect(!run.stderr.contains("gone before it could be downloaded"), "\(run.stderr)")
    }

    /// A file on the server that both inbox jobs' patterns take (which the config check cannot
    /// always see) is taken by neither, as in a local inbox; the inventory job downloaded it.
    @Test func aRemoteFileBothJobsWouldTakeIsLeftOnTheServer() async throws {
        let s = try await Self.setUp()
        defer { s.finish() }
        try s.dir.copyMappings(["products-csv.yml"])
        let config = try String(contentsOfFile: s.dir.path("joorbridge.yml"), encoding: .utf8)
        try (config + "\nproducts: { mapping: mappings/products-csv.yml, include: [\"*_2025.csv\"], settle_seconds: 0 }\n").write(
            toFile: s.dir.path("joorbridge.yml"), atomically: true, encoding: .utf8)
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 12).write(toFile: s.exports + "/stock_2025.csv", atomically: true, encoding: .utf8)
        let run = try await s.run(["run", "inventory", "products"])
        #expect(run.status == 3, "a problem to fix: \(run.stderr)")
        #expect(run.stderr.contains("not taken (the products job's patterns match it too): stock_2025.csv"), "\(run.stderr)")
        #expect(s.remote(s.exports) == ["stock_2025.csv"], "left on the server")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: s.dir.path("processing"))) ?? []).isEmpty)
        #expect(await s.sandbox.state.allStock().allSatisfy { $0.inventory != 12 }, "nothing sent")
    }

    @Test func theRemoteFileIsArchivedOnlyAfterJOORAcceptedItAndBrokenFilesGoToTheErrorFolder() async throws {
        let s = try await Self.setUp(sftp: "  after_download: delete")
        defer { s.finish() }
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 8).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
        try "this is not a stock export\n".write(toFile: s.exports + "/stock_broken.csv", atomically: true, encoding: .utf8)
        await s.sandbox.state.plan(FaultPlan(failCount: 1_000, failStatus: 500, pathPrefix: "/v2/bulk-inventory"))

        let refused = try await s.run(["run", "inventory"])
        #expect(refused.status == 3 || refused.status == 69, "\(refused.stderr)")
        #expect(s.remote(s.exports).contains("stock_1.csv"), "JOOR did not accept it: the remote file stays")
        #expect(s.remote(s.exports + "/error") == ["stock_broken.csv"], "the broken file goes to the server's error folder")
        #expect(WatchTests.files(s.dir, "error").contains("stock_broken.csv"), "and to the local one, with the reason")

        await s.sandbox.state.plan(FaultPlan())
        let accepted = try await s.run(["run", "inventory"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 8 }.count == 40)
        #expect(!s.remote(s.exports).contains("stock_1.csv"), "deleted on the server (after_download: delete) once JOOR accepted it")
        #expect(!s.remote(s.exports).contains("archive"))
    }

    /// The WMS writes a new export of the same name while the old one waits for JOOR: when the
    /// old one is done, the new one is neither archived nor deleted unread, and the next run takes it.
    @Test(arguments: ["archive", "delete"])
    func aNewRemoteFileOfTheSameNameIsNotFinishedWithTheOldOne(afterDownload: String) async throws {
        let s = try await Self.setUp(sftp: "  after_download: \(afterDownload)")
        defer { s.finish() }
        let path = s.exports + "/stock_1.csv"
        try WatchTests.stock(rows: 40, first: 5_000, quantity: 8).write(toFile: path, atomically: true, encoding: .utf8)
        await s.sandbox.state.plan(FaultPlan(failCount: 1_000, failStatus: 500, pathPrefix: "/v2/bulk-inventory"))
        let refused = try await s.run(["run", "inventory"])
        #expect(refused.status == 3 || refused.status == 69, "\(refused.stderr)")

        try WatchTests.stock(rows: 40, first: 5_000, quantity: 12).write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: path)
        await s.sandbox.state.plan(FaultPlan())
        let old = try await s.run(["run", "inventory"])
        #expect(old.status == 0, "\(old.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 8 }.count == 40, "the file in hand went to JOOR")
        #expect(s.remote(s.exports).contains("stock_1.csv"), "the new one is still on the server")
        #expect(old.stderr.contains("a new file of this name is on the server"), "\(old.stderr)")

        let new = try await s.run(["run", "inventory"])
        #expect(new.status == 0, "\(new.stderr)")
        #expect(await s.sandbox.state.allStock().filter { $0.inventory == 12 }.count == 40, "then the new one: \(new.stderr)")
        #expect(!s.remote(s.exports).contains("stock_1.csv"))
        if afterDownload == "archive" { #expect(s.remote(s.exports + "/archive").count == 1, "\(s.remote(s.exports + "/archive"))") }
    }
}

/// A flag and the lines left, shared with the writer thread of the growing-file test.
final class ManagedFlag: @unchecked Sendable {
    var isSet = false
    var done = false
    var remaining: [String] = []
}

/// SIGKILL at every checkpoint of a run whose inbox and outbox are on an SFTP server (downloads,
/// outcomes, remote moves, uploads, renames, the orders and inventory checkpoints in between);
/// the rerun leaves every order on the server exactly once, every quantity in JOOR, and the
/// remote file archived once.
@Suite("SFTP folders survive SIGKILL", .serialized, .enabled(if: sshServerAvailable, "needs openssh-server (sshd) and ssh-keygen"))
struct SFTPCrashTests {
    @Test func everyCheckpointOfARemoteRunIsSurvivable() async throws {
        var checkpoint = 1
        var finished = false
        var names: Set<String> = []
        while !finished && checkpoint <= 80 {
            let s = try await SFTPFolderTests.setUp(orders: 3)
            defer { s.finish() }
            try WatchTests.stock(rows: 40, first: 5_000, quantity: 2).write(toFile: s.exports + "/stock_1.csv", atomically: true, encoding: .utf8)
            let killed = try await Executable.run(
                ["run"], in: s.dir.path, environment: SFTPFolderTests.env.merging(["JOORBRIDGE_CRASH_AFTER": String(checkpoint)]) { $1 }, timeout: 180
            )
            finished = !killed.stderr.contains("crash test: SIGKILL")
            if let line = killed.stderr.split(separator: "\n").first(where: { $0.hasPrefix("crash test: SIGKILL") }),
                let open = line.lastIndex(of: "(")
            {
                names.insert(String(line[line.index(after: open)...].dropLast()))
            }
            let rerun = try await s.run()
            #expect(rerun.status == 0, "checkpoint \(checkpoint): \(rerun.stderr)")
            let uploaded = s.orderFiles(s.imports)
            let ids = uploaded.map { String($0.split(separator: "_")[1]) }
            #expect(Set(ids).count == ids.count, "checkpoint \(checkpoint): an order was uploaded twice: \(uploaded)")
            #expect(Set(ids) == (await s.deliverable()), "checkpoint \(checkpoint): every order uploaded")
            #expect(s.remote(s.imports).filter { $0.hasPrefix(".") }.isEmpty, "checkpoint \(checkpoint): no temporary left on the server")
            #expect(uploaded.allSatisfy { s.remote(s.imports).contains($0 + ".done") }, "checkpoint \(checkpoint): every done marker")
            #expect(await s.sandbox.state.allStock().filter { $0.inventory == 2 }.count == 40, "checkpoint \(checkpoint)")
            #expect(s.remote(s.exports + "/archive") == ["stock_1.csv"], "checkpoint \(checkpoint): archived once on the server")
            #expect(!s.remote(s.exports).contains("stock_1.csv"))
            #expect(WatchTests.files(s.dir, "outbox").isEmpty && WatchTests.files(s.dir, "processing").isEmpty, "checkpoint \(checkpoint)")
            checkpoint += 1
        }
        #expect(finished, "a run without a kill was reached")
        let remote: Set = [
            "sftp file downloaded", "sftp outcome recorded", "sftp remote file moved", "sftp temporary uploaded", "sftp upload renamed",
            "sftp local copy archived",
        ]
        #expect(remote.isSubset(of: names), "every SFTP checkpoint was hit: \(names.sorted()) after \(checkpoint - 1) kills")
    }
}
