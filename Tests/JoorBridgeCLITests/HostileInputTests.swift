import FileFormats
import Foundation
import JoorModels
import TestSupport
import Testing

@testable import JoorSandbox

/// Hostile files in the inbox and hostile data from JOOR, through the built executable: each
/// ends in a clear error or a safe file, never a crash, never a file outside the folders, with
/// bounded memory (every joorbridge child of this test process stays below `memoryBound`).
@Suite("Hostile input through the binary", .serialized)
struct HostileInputTests {
    /// The peak RSS any joorbridge child may reach while refusing a hostile file.
    /// The run's own peak memory (its report's `peakMemoryMiB`, from /proc/self/status): the test
    /// process's children's peak would count other tests' runs too.
    static let memoryBoundMiB = 160.0

    static func workspace(_ sandbox: JoorSandboxServer) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("hostile")
        try dir.copyMappings(["inventory-csv.yml", "orders-csv-lines.yml", "customers-csv.yml"])
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: HOSTILE_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000 }
                state: ./state/joorbridge.sqlite
                orders: { mapping: mappings/orders-csv-lines.yml, customers_mapping: mappings/customers-csv.yml, skip_empty_customer_code: false }
                inventory: { mapping: mappings/inventory-csv.yml, include: ["*.csv"], settle_seconds: 0 }
                """)
        return dir
    }

    static func sandbox(orders: Int = 0) async throws -> JoorSandboxServer {
        try await JoorSandboxServer.started(token: "hostile-token", orders: orders)
    }

    /// Every file under `dir`, relative.
    static func allFiles(_ dir: TemporaryDirectory) -> Set<String> {
        Set((try? FileManager.default.subpathsOfDirectory(atPath: dir.path)) ?? [])
    }

    @Test func brokenAndHostileInboxFilesGoToErrorWithAReason() async throws {
        try await using(try await Self.sandbox()) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            let header = "Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\n"
            var garbage = SeededGenerator(seed: 1)
            let files: [(String, [UInt8])] = [
                ("garbage.csv", (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &garbage) }),
                ("nul-bytes.csv", Array(header.utf8) + Array("A;000000000017;110;S;HH;4\u{0}2;0;;A\r\n".utf8) + [0, 0, 0]),
                ("million-columns.csv", Array(header.utf8) + Array(String(repeating: "x;", count: 1_000_000).utf8) + [0x0D, 0x0A]),
                ("undefined-cp1252.csv", Array(header.utf8) + Array("A;000000000017;110;S;HH;".utf8) + [0x81, 0x8D] + Array(";0;;A\r\n".utf8)),
                ("unterminated-quote.csv", Array(header.utf8) + Array("A;\"000000000017;110;S;HH;4;0;;A\r\n".utf8)),
            ]
            for (name, bytes) in files { try dir.write("inbox/\(name)", bytes) }
            // A 100 MB single field, written in chunks.
            let huge = dir.path("inbox/huge-field.csv")
            _ = FileManager.default.createFile(atPath: huge, contents: Data(header.utf8) + Data("A;".utf8))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
            try handle.seekToEnd()
            let chunk = Data(repeating: UInt8(ascii: "9"), count: 1 << 20)
            for _ in 0..<100 { handle.write(chunk) }
            handle.write(Data(";110;S;HH;4;0;;A\r\n".utf8))
            try handle.close()

            let before = Self.allFiles(dir)
            let reports = try TemporaryDirectory("hostile-report")
            let run = try await Executable.run(
                ["run", "inventory", "--report", reports.path("hostile.json")], in: dir.path, environment: ["HOSTILE_TOKEN": "hostile-token"],
                timeout: 120)
            #expect(run.status == 3, "\(run.stderr)")
            #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Segmentation"))
            // A file that cannot be read goes to error/ with NAME.error.txt; nul-bytes.csv is readable,
            // and its one bad row is refused in NAME.rejects.csv with its line while the file is archived.
            for name in files.map(\.0) + ["huge-field.csv"] where name != "nul-bytes.csv" {
                let reason = try String(contentsOfFile: dir.path("error/\(name).error.txt"), encoding: .utf8)
                #expect(FileManager.default.fileExists(atPath: dir.path("error/\(name)")), "\(name) is in error/")
                #expect(reason.contains(name) || reason.contains("line"), "\(name): \(reason)")
            }
            let rejects = try String(contentsOfFile: dir.path("error/nul-bytes.csv.rejects.csv"), encoding: .utf8)
            #expect(rejects.contains("\n2,"), "the NUL row is refused with its line: \(rejects)")
            #expect(!FileManager.default.fileExists(atPath: dir.path("error/nul-bytes.csv")))
            #expect((try? String(contentsOfFile: dir.path("error/huge-field.csv.error.txt"), encoding: .utf8))?.contains("field") == true)
            #expect((try? String(contentsOfFile: dir.path("error/million-columns.csv.error.txt"), encoding: .utf8))?.contains("fields") == true)
            #expect(await sandbox.state.allStock().isEmpty, "nothing from a hostile file reached JOOR")
            let created = Self.allFiles(dir).subtracting(before)
            let allowed = ["state", "processing", "archive", "inbox", "outbox", "error"]
            #expect(created.allSatisfy { path in allowed.contains { path.hasPrefix($0) } }, "\(created.sorted())")
            let report =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports.path("hostile.json")))) as? [String: Any]
            let peak = try #require(report?["peakMemoryMiB"] as? Double, "the run reports its peak memory")
            #expect(peak < Self.memoryBoundMiB, "peak RSS \(peak) MiB with a 100 MB field and a million columns")
        }
    }

    @Test func hostileOrderDataCannotEscapeTheOutboxOrInjectFormulas() async throws {
        try await using(try await Self.sandbox()) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            // Every hostile value goes into a field the shipped mappings write (ShipName, Comments,
            // Style, PONumber, CustomerName…); a phone number and a signed number must pass unchanged.
            let line = JoorLineItem(fields: [
                "item_name": "x", "item_number": "=cmd|' /C calc'!A0", "item_color_code": "110", "item_size": "S",
                "item_upc": "000000000017", "item_quantity": "1", "item_price": "45.00",
            ])
            var fields = [
                "order_type": "4", "customer_code": "../../../../tmp/evil\u{7}", "customer_name": "@SUM(1+1)*cmd|' /C calc'!A0",
                "customer_purchase_order": "+PO\u{1B}[31m", "date_created": "2026-11-20T10:00:00+00:00", "date_modified": "2026-11-20T10:00:00+00:00",
                "order_currency": "EUR", "shipping_name": "=HYPERLINK(\"http://x\")", "order_comments": "-2+3+cmd|' /C calc'!A0",
                "shipping_phone": "+33 1 00 00 00 00", "billing_phone": "-12.50",
            ]
            fields["order_id"] = "../../outside\u{0}/x"
            try await sandbox.state.add([SandboxOrder(order: JoorOrder(fields: fields, lineItems: [line]), status: .approved)])
            let before = Self.allFiles(dir)
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: ["HOSTILE_TOKEN": "hostile-token"])
            #expect(run.status == 0, "\(run.stderr)")
            let created = Self.allFiles(dir).subtracting(before)
            #expect(created.allSatisfy { $0.hasPrefix("outbox") || $0.hasPrefix("state") }, "\(created.sorted())")
            #expect(!FileManager.default.fileExists(atPath: dir.url.deletingLastPathComponent().appendingPathComponent("outside").path))
            let outbox = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox"))
            #expect(
                outbox.filter { $0.hasPrefix("ORD_") }.count == 1 && outbox.filter { $0.hasPrefix("CUST_") }.count == 1,
                "the order and its customer file: \(outbox)")
            var cells: [String] = []
            for name in outbox {
                #expect(!name.contains("/") && !name.unicodeScalars.contains { $0.value < 0x20 }, "\(name.debugDescription)")
                var options = CSVReadOptions()
                options.hasHeader = false
                let reader = try CSVReader(path: dir.path("outbox/\(name)"), options: options)
                while let record = try reader.next() { cells += record.fields }
            }
            for hostile in ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "-2+3+cmd|' /C calc'!A0"] {
                #expect(cells.contains("'" + hostile), "\(hostile) reached the WMS neutralised")
            }
            #expect(cells.allSatisfy { cell in !(cell.first.map { "=@".contains($0) } ?? false) }, "no live = or @ cell")
            #expect(
                cells.allSatisfy { cell in
                    !(cell.hasPrefix("-") || cell.hasPrefix("+")) || cell.dropFirst().allSatisfy { "0123456789 +-().,/".contains($0) }
                },
                "a + or - cell is a number or a phone number")
            #expect(cells.contains("+33 1 00 00 00 00"), "the phone number is unchanged")
        }
    }
}
