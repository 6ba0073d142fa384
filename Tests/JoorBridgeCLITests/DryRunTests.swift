import Foundation
import GRDB
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// `run --dry-run` through the binary: every job shows what it would send or write and changes
/// nothing — not JOOR, not a folder, not the ledger; and an unreachable JOOR ends a run in seconds.
@Suite("Dry run and unreachable JOOR", .serialized)
struct DryRunTests {
    static let token = "dry-token"
    static let env = ["DRY_TOKEN": token]

    static let stock =
        "Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\n"
        + "FS-1001;000000000017;110;S;HH;42;2;;A\r\nFS-1001;000000000024;110;M;HH;18;0;;A\r\n"
        + "FS-1001;000000000062;110;L;HH;1;3;;A\r\nBAD;00000000005X;110;S;HH;1;0;;A\r\n"

    static let products =
        "StyleNo,StyleName,Description,ColorCode,ColorName,Size,UPC,WholesaleUSD,RetailUSD,WholesaleEUR,RetailEUR,Season,Year,Category\n"
        + "RJ-5005,Rain Jacket,Waxed cotton rain jacket.,700,Red,M,000000005005,80.00,180.00,75.00,170.00,Fall,2025,228\n"
        + "RJ-5005,Rain Jacket,Waxed cotton rain jacket.,700,Red,L,000000005012,80.00,180.00,75.00,170.00,Fall,2025,228\n"

    /// A work folder with the four jobs' mappings, a stock and a product file, and a config whose
    /// job sections are `jobs` (by default all three jobs).
    static func workspace(_ sandbox: JoorSandboxServer, jobs: String? = nil) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("dry-run")
        try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml", "inventory-csv.yml", "products-csv.yml"])
        let allJobs = """
            orders: { mapping: mappings/orders-csv-lines.yml, customers_mapping: mappings/customers-csv.yml }
            inventory: { mapping: mappings/inventory-csv.yml, include: ["stock_*.csv"], settle_seconds: 0, batch_size: 2 }
            products: { mapping: mappings/products-csv.yml, include: ["products_*.csv"], settle_seconds: 0 }
            """
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: DRY_TOKEN, base_url: "\(sandbox.baseURL)" }
                state: ./state/joorbridge.sqlite

                """ + (jobs ?? allJobs) + "\n")
        try dir.write("inbox/stock_1.csv", text: stock)
        try dir.write("inbox/products_1.csv", text: products)
        return dir
    }

    /// Every file under the work folder (but the mappings), with its bytes.
    static func snapshot(_ dir: TemporaryDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: dir.path) where !path.hasPrefix("mappings") && !path.hasPrefix("state") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.path(path), isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: dir.path(path)))
            }
        }
        return files
    }

    /// Every row of every table of the ledger, as text (empty when there is no ledger yet).
    static func ledgerRows(_ dir: TemporaryDirectory) throws -> [String] {
        guard FileManager.default.fileExists(atPath: dir.path("state/joorbridge.sqlite")) else { return [] }
        var configuration = Configuration()
        configuration.readonly = true
        let db = try DatabaseQueue(path: dir.path("state/joorbridge.sqlite"), configuration: configuration)
        return try db.read { db in
            var rows: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' ORDER BY name") {
                rows += try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { "\(table): \($0)" }.sorted()
            }
            return rows
        }
    }

    /// The requests a dry run printed: `(endpoint line, body)` from `# ENDPOINT` blocks.
    static func printedRequests(_ stdout: String) -> [(String, String)] {
        var requests: [(String, String)] = []
        // Split on the byte: order files end their lines with CRLF, one Character to Swift.
        var lines = stdout.utf8.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }[...]
        while let line = lines.popFirst() {
            guard line.hasPrefix("# ") else { continue }
            requests.append((String(line.dropFirst(2)), lines.popFirst() ?? ""))
        }
        return requests
    }

    @Test func aDryRunOfEveryJobChangesNothingAndPrintsWhatARunThenSends() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 4)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            // A first real run so the ledger has something to keep; then new work for the dry run.
            #expect(try await Executable.run(["run"], in: dir.path, environment: Self.env).status == 3)
            try await sandbox.state.add(OrderSeeder.orders(count: 3, seed: 9, firstID: 9_400_001))
            try dir.write("inbox/stock_2.csv", text: Self.stock.replacingOccurrences(of: ";42;", with: ";50;"))
            try dir.write("inbox/products_2.csv", text: Self.products.replacingOccurrences(of: "80.00", with: "82.00"))
            await sandbox.state.resetCounts()
            let stockBefore = await sandbox.state.allStock()
            let stylesBefore = await sandbox.state.allStyles()
            let ordersBefore = await sandbox.state.allOrders()
            let filesBefore = try Self.snapshot(dir)
            let ledgerBefore = try Self.ledgerRows(dir)
            #expect(!ledgerBefore.isEmpty)

            let dry = try await Executable.run(["run", "--dry-run"], in: dir.path, environment: Self.env)
            #expect(dry.status == 3, "a rejected stock row: \(dry.stderr)")
            #expect(dry.stderr.contains("dry run: nothing was sent"))
            #expect(dry.stderr.contains("stock_2.csv: would reject"))
            #expect(dry.stdout.contains("==> ORD_9400001_"), "the order files it would write are printed")
            let requests = await sandbox.state.requestLog
            #expect(requests.allSatisfy { $0.method == "GET" }, "no write request: \(requests.map { "\($0.method) \($0.path)" })")
            #expect(requests.allSatisfy { !$0.query.contains("sync=1") }, "no synchronising pull")
            #expect(await sandbox.state.allStock() == stockBefore)
            #expect(await sandbox.state.allStyles() == stylesBefore)
            #expect(await sandbox.state.allOrders() == ordersBefore, "no order marked exported")
            #expect(try Self.snapshot(dir) == filesBefore, "no file moved, written or removed")
            #expect(try Self.ledgerRows(dir) == ledgerBefore, "the ledger is unchanged")

            // The bodies it printed are exactly what a real run now sends.
            let printed = Self.printedRequests(dry.stdout)
            #expect(printed.map(\.0) == ["POST /v2/bulk-inventory?dec_pending=0", "POST /v2/bulk-style"], "\(printed.map(\.0))")
            await sandbox.state.resetCounts()
            let real = try await Executable.run(["run"], in: dir.path, environment: Self.env)
            #expect(real.status == 3, "\(real.stderr)")
            let sent = await sandbox.state.requestLog.filter { $0.method == "POST" }
            #expect(sent.map { $0.query.isEmpty ? "\($0.method) \($0.path)" : "\($0.method) \($0.path)?\($0.query)" } == printed.map(\.0))
            #expect(sent.map { String(decoding: $0.body, as: UTF8.self) } == printed.map(\.1))
        }
    }

    /// `--dry-run --full` shows what `run --full` does with a re-sent file: it sends it (without
    /// --full, a dry run says it would be archived unsent, as a run does).
    @Test func aDryRunWithFullShowsAResentFileSent() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(
                sandbox,
                jobs:
                    "inventory: { mapping: mappings/inventory-csv.yml, include: [\"stock_*.csv\"], settle_seconds: 0 }\nproducts: { mapping: mappings/products-csv.yml, include: [\"products_*.csv\"], settle_seconds: 0 }"
            )
            _ = try await Executable.run(["run", "inventory", "products"], in: dir.path, environment: Self.env)
            try dir.write("inbox/stock_2.csv", text: Self.stock)
            try dir.write("inbox/products_2.csv", text: Self.products)
            let plain = try await Executable.run(["run", "inventory", "products", "--dry-run"], in: dir.path, environment: Self.env)
            #expect(plain.stderr.components(separatedBy: "a run would archive it without sending anything").count == 3, "\(plain.stderr)")
            let full = try await Executable.run(["run", "inventory", "products", "--dry-run", "--full"], in: dir.path, environment: Self.env)
            #expect(!full.stderr.contains("would archive it without sending"), "\(full.stderr)")
            #expect(Self.printedRequests(full.stdout).map(\.0) == ["POST /v2/bulk-inventory?dec_pending=0", "POST /v2/bulk-style"], "\(full.stdout)")
        }
    }

    /// `preview --config` prints byte for byte the requests `run` sends for the same file and
    /// settings: safety stock, a position the file repeats (the later row wins), batches of the
    /// job's size, the endpoint with its query. With --ledger, preview shows what a second run sends
    /// for the next day's file.
    @Test func previewPrintsWhatARunSends() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(
                sandbox,
                jobs: """
                    inventory:
                      mapping: mappings/inventory-csv.yml
                      include: ["stock_*.csv"]
                      settle_seconds: 0
                      batch_size: 2
                      safety_stock: { "Hamburg Süd": 3 }
                    """)
            try FileManager.default.removeItem(atPath: dir.path("inbox/products_1.csv"))
            try dir.write(
                "inbox/stock_1.csv",
                text: "Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\n"
                    + "FS-1001;000000000017;110;S;HH;42;2;;A\r\nFS-1001;000000000024;110;M;HH;18;0;;A\r\n"
                    + "FS-1001;000000000031;110;L;HH;3;0;;A\r\nBAD;00000000005X;110;S;HH;1;0;;A\r\n"
                    + "FS-1001;000000000017;110;S;HH;7;0;;A\r\n")
            try dir.write(
                "again-source.csv",
                text: try String(contentsOfFile: dir.path("inbox/stock_1.csv"), encoding: .utf8).replacingOccurrences(
                    of: ";M;HH;18;", with: ";M;HH;19;"))
            let preview = try await Executable.run(
                ["preview", "--config", "joorbridge.yml", "--mapping", "mappings/inventory-csv.yml", "--input", "inbox/stock_1.csv"], in: dir.path,
                environment: Self.env)
            #expect(preview.status == 3, "one row is rejected: \(preview.stderr)")
            let previewBodies = preview.stdout.split(separator: "\n").map(String.init)
            let previewEndpoints = preview.stderr.split(separator: "\n").filter { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) }

            let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(run.status == 3, "\(run.stderr)")
            let sent = await sandbox.state.requestLog.filter { $0.method == "POST" }
            #expect(sent.count == 2)
            #expect(previewBodies == sent.map { String(decoding: $0.body, as: UTF8.self) })
            #expect(previewEndpoints == sent.map { "POST \($0.path)?\($0.query)" })
            #expect(previewBodies.joined().contains(#""inventory":0,"upc":"000000000031""#), "safety stock: 3 at or below 3 is sent as 0")
            #expect(await sandbox.state.allStock().first { $0.upc == "000000000017" }?.inventory == 7, "the later row")

            // The next day's file, one quantity changed: with --ledger, preview shows what a second run sends.
            let rows = try String(contentsOfFile: dir.path("inbox/../again-source.csv"), encoding: .utf8)
            try dir.write("again.csv", text: rows)
            let screened = try await Executable.run(
                ["preview", "--config", "joorbridge.yml", "--mapping", "mappings/inventory-csv.yml", "--input", "again.csv", "--ledger"],
                in: dir.path,
                environment: Self.env)
            #expect(screened.stderr.contains("unchanged (JOOR holds them)"), "\(screened.stderr)")
            try dir.write("inbox/stock_2.csv", text: rows)
            #expect(try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env).status == 3)
            let sentAgain = await sandbox.state.requestLog.filter { $0.method == "POST" }.dropFirst(2)
            #expect(screened.stdout.split(separator: "\n").map(String.init) == sentAgain.map { String(decoding: $0.body, as: UTF8.self) })
            #expect(!sentAgain.contains { String(decoding: $0.body, as: UTF8.self).contains("000000000031") }, "31 is unchanged: not sent again")
            #expect(screened.stderr.contains("1 unchanged"), "\(screened.stderr)")
        }
    }

    /// `preview --config` reads the config as `run` does: `${NAME}` from the environment, and
    /// for a products file the products job's batch_size.
    @Test func previewTakesTheProductsBatchSizeAndTheEnvironmentFromTheConfig() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(
                sandbox,
                jobs: "products: { mapping: mappings/products-csv.yml, include: [\"products_*.csv\"], settle_seconds: 0, batch_size: 1 }")
            let config = try String(contentsOfFile: dir.path("joorbridge.yml"), encoding: .utf8)
            try dir.write("joorbridge.yml", text: config.replacingOccurrences(of: "\"\(sandbox.baseURL)\"", with: "${DRY_URL}"))
            try dir.write(
                "two-styles.csv",
                text: Self.products + "TB-2002,Tote Bag,Canvas tote.,100,Natural,OS,000000002002,20.00,45.00,18.00,40.00,Fall,2025,228\n")
            let preview = try await Executable.run(
                ["preview", "--config", "joorbridge.yml", "--mapping", "mappings/products-csv.yml", "--input", "two-styles.csv"],
                in: dir.path, environment: Self.env.merging(["DRY_URL": sandbox.baseURL]) { $1 })
            #expect(preview.status == 0, "\(preview.stderr)")
            let requests = preview.stderr.split(separator: "\n").filter { $0.hasPrefix("# ") }
            let styles = preview.stdout.split(separator: "\n").count
            #expect(requests.count == 2 && styles == 2, "one style a request (batch_size: 1): \(preview.stderr)")
        }
    }

    @Test func aDryRunBesideARunningWatchMovesPushesAndLosesNothing() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            try FileManager.default.removeItem(atPath: dir.path("inbox/products_1.csv"))
            var rows = Self.stock
            for i in 0..<200 { rows += "FS-1001;000000000017;110;S;HH;\(i);0;;A\r\n" }
            try dir.write("inbox/stock_1.csv", text: rows)
            // Every push takes a while, so the dry run meets the file in the middle of watch's work.
            await sandbox.state.plan(FaultPlan(latencyMilliseconds: 150, pathPrefix: "/v2/bulk-inventory"))
            let watch = try RunningExecutable(["watch", "inventory"], in: dir.path, environment: Self.env)
            #expect(
                try await RunningExecutable.until { FileManager.default.fileExists(atPath: dir.path("processing/stock_1.csv")) },
                "watch took the file")
            let dry = try await Executable.run(["run", "inventory", "--dry-run"], in: dir.path, environment: Self.env)
            #expect(dry.status == 0 || dry.status == 3, "\(dry.stderr)")
            #expect(!dry.stderr.contains("lock"), "a dry run does not wait for the lock")
            #expect(
                try await RunningExecutable.until {
                    (try? FileManager.default.subpathsOfDirectory(atPath: dir.path("archive")))?.contains { $0.hasSuffix("stock_1.csv") } == true
                })
            watch.signal(SIGTERM)
            _ = try await watch.wait()
            let log = await sandbox.state.requestLog.filter { $0.method == "POST" }
            // Batch size 2: [17, 24], [62, 17], then 17 again (its later rows replace it in place until the end).
            #expect(log.count == 3, "only watch's three batches reached JOOR: \(log.count)")
            #expect(await sandbox.state.allStock().first { $0.upc == "000000000017" }?.inventory == 199, "the file's last quantity")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("inbox")).isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("processing")).isEmpty)
        }
    }

    @Test func aHostRefusingConnectionsEndsTheRunWith69WithinTheBound() async throws {
        let dir = try TemporaryDirectory("unreachable")
        try dir.copyMappings(["inventory-csv.yml"])
        // A port nothing listens on: bind one, note it, close it.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        close(probe)
        let port = Int(UInt16(bigEndian: address.sin_port))
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: DRY_TOKEN, base_url: "http://127.0.0.1:\(port)" }
                state: ./state/joorbridge.sqlite
                inventory: { mapping: mappings/inventory-csv.yml, include: ["*.csv"], settle_seconds: 0 }
                """)
        try dir.write("inbox/stock.csv", text: Self.stock)
        let started = Date()
        let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("JOOR is unreachable") && run.stderr.contains("could not connect in 3 attempts"))
        // The documented bound: 3 × connect_timeout_seconds (10) + 1.5 s; a refused connection fails at once.
        #expect(seconds < 31.5, "took \(seconds) s")
        #expect(FileManager.default.fileExists(atPath: dir.path("processing/stock.csv")), "the file waits for the next run")
    }
}
