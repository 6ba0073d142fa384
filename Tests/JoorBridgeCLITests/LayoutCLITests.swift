import Foundation
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// The WMS layouts of #17 through the binary: `preview` and `run` with fallbacks and packed size
/// cells, a fixed-width stock file into JOOR, a fixed-width order import with header and trailer.
@Suite("WMS layouts through the binary", .serialized)
struct LayoutCLITests {
    static let token = "layout-token"
    static let env = ["LAYOUT_TOKEN": token]

    static func workspace(_ sandbox: JoorSandboxServer, orders mapping: String, extra: String = "") throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("layouts")
        try dir.copyMappings([mapping, "inventory-fixed.yml"])
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: LAYOUT_TOKEN, base_url: "\(sandbox.baseURL)" }
                folders: { outbox: ./outbox }
                state: ./state/joorbridge.sqlite
                orders: { mapping: mappings/\(mapping) }
                inventory: { mapping: mappings/inventory-fixed.yml, include: ["*.DAT"], settle_seconds: 0 }
                \(extra)
                """)
        return dir
    }

    /// Approved orders from the seeder, the first without a company name.
    static func orders(_ count: Int, firstID: Int) -> [SandboxOrder] {
        var orders = OrderSeeder.orders(count: count, seed: 17, firstID: firstID)
        for i in orders.indices {
            orders[i].status = .approved
            if orders[i].order.fields["customer_code"] == "" { orders[i].order.fields["customer_code"] = "HLB001" }
        }
        orders[0].order.fields["company_name"] = ""
        orders[0].order.fields["customer_name"] = "Only A Customer Name"
        return orders
    }

    static func outbox(_ dir: TemporaryDirectory) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")) {
            files[name] = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir.path("outbox/\(name)"))), as: UTF8.self)
        }
        return files
    }

    @Test func aFallbackWritesTheCustomerNameWhereTheCompanyIsEmptyInPreviewAndRun() async throws {
        let preview = try await Executable.run([
            "preview", "--mapping", "mappings/orders-csv-3pl-lines.yml", "--input", "samples/orders/joor-orders.json",
        ])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains(",Atelier Nord,"), "8800102 has no company: its customer name is the bill-to company\n\(preview.stdout)")

        try await withSandbox(token: Self.token) { sandbox in
            try await sandbox.state.add(Self.orders(3, firstID: 9_810_001))
            let dir = try Self.workspace(sandbox, orders: "orders-csv-3pl-lines.yml")
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            let files = try Self.outbox(dir)
            #expect(files.count == 1, "one file per run: \(files.keys)")
            let rows = files.values.first!.split(separator: "\r\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
            #expect(rows[0][2] == "[Bill To Company]")
            let first = rows.dropFirst().filter { $0[0] == "9810001" }
            #expect(!first.isEmpty && first.allSatisfy { $0[2] == "Only A Customer Name" }, "\(rows)")
            #expect(rows.dropFirst().filter { $0[0] == "9810002" }.allSatisfy { $0[2] != "" && $0[2] != "Only A Customer Name" })
        }
    }

    @Test func packedSizeCellsInPreviewAndRun() async throws {
        let preview = try await Executable.run([
            "preview", "--mapping", "mappings/orders-csv-packed-sizes.yml", "--input", "samples/orders/joor-orders.json",
        ])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains(",S:6:000000000017,M:12:000000000024"), "\(preview.stdout)")

        try await withSandbox(token: Self.token) { sandbox in
            let orders = Self.orders(2, firstID: 9_820_001)
            try await sandbox.state.add(orders)
            let dir = try Self.workspace(sandbox, orders: "orders-csv-packed-sizes.yml")
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            let files = try Self.outbox(dir)
            #expect(Set(files.keys) == ["SO_9820001.csv", "SO_9820002.csv"])
            let line = orders[0].order.lineItems[0].fields
            let cell = "\(line["item_size"]!):"
            #expect(files["SO_9820001.csv"]!.contains(cell) && files["SO_9820001.csv"]!.contains(":\(line["item_upc"]!)"), "\(files)")
            let header = files["SO_9820001.csv"]!.split(separator: "\r\n")[0]
            #expect(header.hasSuffix(",S29,S30"))
        }
    }

    @Test func aFixedWidthStockFileConvertsExactlyAndABrokenOneIsRefusedWhole() async throws {
        let preview = try await Executable.run([
            "preview", "--mapping", "mappings/inventory-fixed.yml", "--input", "samples/inventory-fixed/input.dat",
        ])
        #expect(preview.status == 3, "lines were rejected: \(preview.stderr)")
        #expect(preview.stderr.contains("input.dat:8: field 'upc': value '0000000000X5'"), "\(preview.stderr)")
        #expect(preview.stderr.contains("input.dat:10: field 'record type'"), "\(preview.stderr)")

        try await withSandbox(token: Self.token) { sandbox in
            let dir = try Self.workspace(sandbox, orders: "orders-csv-lines.yml", extra: "")
            try FileManager.default.createDirectory(atPath: dir.path("inbox"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: Fixtures.repositoryRoot.appendingPathComponent("samples/inventory-fixed/input.dat").path, toPath: dir.path("inbox/STOCK.DAT"))
            let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(run.status == 3, "\(run.stderr)")
            let stock = Dictionary(await sandbox.state.allStock().map { ("\($0.upc ?? "")@\($0.warehouse)", $0.inventory) }) { a, _ in a }
            #expect(
                stock == [
                    "000000000017@Hamburg Süd": 40, "000000000024@Hamburg Süd": 18, "000000000031@Hamburg Süd": 0,
                    "000000000048@München": 4, "000000000062@München": 7, "000000000079@München": 1200,
                ], "cp1252 names, header values, COBOL signs, stripped trailing spaces")
            let rejects = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".rejects.csv") }
            #expect(rejects.count == 1, "\(rejects)")
            let text = try String(contentsOfFile: dir.path(rejects[0]), encoding: .utf8)
            #expect(text.contains("\r\n8,upc,0000000000X5,") && text.contains("\r\n10,record type,"), "\(text)")

            // The same file cut short (no trailer): refused whole, nothing of it sent.
            let bytes = [UInt8](try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("samples/inventory-fixed/input.dat")))
            let trailer = bytes.count - 11  // "TR0000008\r\n"
            #expect(Array(bytes[trailer..<(trailer + 2)]) == [0x54, 0x52])
            try Data(bytes[..<trailer]).write(to: URL(fileURLWithPath: dir.path("inbox/STOCK2.DAT")))
            await sandbox.state.resetCounts()
            let second = try await Executable.run(["run", "inventory"], in: dir.path, environment: Self.env)
            #expect(second.status == 3, "\(second.stderr)")
            #expect(second.stderr.contains("ends without its trailer record ('TR')"), "\(second.stderr)")
            #expect(await sandbox.state.requestCounts["/v2/bulk-inventory", default: 0] == 0, "nothing of a cut file is sent")
            #expect(FileManager.default.fileExists(atPath: dir.path("error/STOCK2.DAT")))
        }
    }

    @Test func aFixedWidthOrderImportHasHeaderAndTrailerCountsThatMatchItsOrders() async throws {
        try await withSandbox(token: Self.token) { sandbox in
            let orders = Self.orders(5, firstID: 9_830_001)
            try await sandbox.state.add(orders)
            let dir = try Self.workspace(sandbox, orders: "orders-fixed-header-trailer.yml")
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox"))
            #expect(files.count == 1 && files[0].hasPrefix("ORDIN_") && files[0].hasSuffix(".DAT"), "\(files)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.path("outbox/\(files[0])")))
            let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
            let h = lines.filter { $0.hasPrefix("H") }
            let d = lines.filter { $0.hasPrefix("D") }
            #expect(h.count == 5 && d.count == orders.map(\.order.lineItems.count).reduce(0, +))
            let fh = lines.first!
            let ft = lines.last!
            #expect(fh.hasPrefix("FH") && fh.dropFirst(16).prefix(6) == "000005", "\(fh)")
            let units = orders.flatMap(\.order.lineItems).compactMap { Int($0.fields["item_quantity"] ?? "") }.reduce(0, +)
            #expect(ft.hasPrefix("FT000005"), "\(ft)")
            #expect(ft.dropFirst(8).prefix(7) == String(format: "%07d", d.count), "\(ft)")
            #expect(ft.dropFirst(15).prefix(9) == String(format: "%09d", units), "\(ft)")
            #expect(ft.suffix(7) == String(format: "%07d", h.count + d.count), "\(ft)")
            #expect(
                h.allSatisfy { $0.count == 1 + 10 + 10 + 20 + 30 + 20 + 2 + 8 + 3 }
                    && d.allSatisfy { $0.count == 1 + 10 + 4 + 14 + 12 + 6 + 6 + 7 + 10 }, "every record has its layout's width")
        }
    }
}
