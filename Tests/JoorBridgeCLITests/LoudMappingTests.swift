import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// A mapping mistake never sends wrong data quietly: through `preview`, `check` and a real `run`
/// against the sandbox, each mistake a newcomer made ends in a clear error or rejection.
@Suite("Loud mapping mistakes", .serialized)
struct LoudMappingTests {
    static let stock = """
        <?xml version="1.0" encoding="UTF-8"?>
        <MStkProd>
          <Lds>
            <Ld><Sku>000000000017</Sku><Site>HH</Site><TotalS>12</TotalS><TotalAS>2</TotalAS></Ld>
            <Ld><Sku>000000000024</Sku><Site>HH</Site><TotalS>5</TotalS><TotalAS>0</TotalAS></Ld>
            <Ld><Sku>000000000062</Sku><TotalS>7</TotalS><TotalAS>1</TotalAS></Ld>
          </Lds>
        </MStkProd>

        """

    static func mapping(record: String = "/MStkProd/Lds/Ld", inventory: String = "{TotalS} - {TotalAS}", extra: String = "") -> String {
        """
        version: 1
        kind: inventory
        source: { format: xml, xml: { record: "\(record)" } }
        fields:
          upc: { from: Sku, required: true }
          warehouse: { from: Site, lookup: sites }
          inventory: { expr: "\(inventory)", clamp: { min: 0 } }\(extra)
        lookups:
          sites: { HH: "Hamburg Süd" }
        """
    }

    static func workspace(_ sandbox: JoorSandboxServer, mapping: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("loud")
        try dir.write("stock.yml", text: mapping)
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: LOUD_TOKEN, base_url: "\(sandbox.baseURL)" }
                state: ./state/joorbridge.sqlite
                inventory: { mapping: stock.yml, include: ["*.xml"], settle_seconds: 0 }
                """)
        try dir.write("inbox/stock.xml", text: stock)
        try dir.write("stock.xml", text: stock)
        return dir
    }

    /// `preview` fails (non-zero, the message); `run` moves the file to error/ with the reason and
    /// sends nothing to JOOR.
    func expectLoud(_ mapping: String, _ message: [String]) async throws {
        try await using(try await JoorSandboxServer.started(token: "loud")) { sandbox async throws in
            let dir = try Self.workspace(sandbox, mapping: mapping)
            let preview = try await Executable.run(["preview", "--mapping", "stock.yml", "--input", "stock.xml"], in: dir.path)
            #expect(preview.status != 0, "preview must not exit 0: \(preview.stderr)")
            #expect(message.allSatisfy(preview.stderr.contains), "\(preview.stderr)")
            let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: ["LOUD_TOKEN": "loud"])
            #expect(run.status == 3, "\(run.stderr)")
            let reason = try String(contentsOfFile: dir.path("error/stock.xml.error.txt"), encoding: .utf8)
            #expect(message.allSatisfy(reason.contains), "\(reason)")
            #expect(await sandbox.state.requestLog.isEmpty, "nothing reached JOOR")
        }
    }

    @Test func aTypoInAnXMLPathFailsTheFileInsteadOfZeroingStock() async throws {
        try await expectLoud(
            Self.mapping(inventory: "{TotalSS} - {TotalAS}"),
            [
                "stock.yml:7", "field 'inventory' reads 'TotalSS', which is in none of the 3 record(s) of",
                "stock.xml (did you mean 'TotalS'?); the records have: Sku, Site, TotalS, TotalAS",
            ])
    }

    @Test func aRecordPathThatMatchesNothingFailsTheFile() async throws {
        try await expectLoud(
            Self.mapping(record: "/MStkProd/Ld"),
            ["the record path '/MStkProd/Ld' matches no element of", "stock.xml (did you mean '/MStkProd/Lds'?); its root is <MStkProd>"])
    }

    @Test func anOptionalPathMayBeAbsentWhenTheRuleSaysSo() async throws {
        try await using(try await JoorSandboxServer.started(token: "loud")) { sandbox async throws in
            let dir = try Self.workspace(sandbox, mapping: Self.mapping(extra: "\n  inventory_date: { from: NextReceipt/@date, required: false }"))
            let preview = try await Executable.run(["preview", "--mapping", "stock.yml", "--input", "stock.xml"], in: dir.path)
            #expect(preview.status == 3, "one row rejected (no Site), the rest fine: \(preview.stderr)")
            #expect(!preview.stderr.contains("none of the"), "\(preview.stderr)")
        }
    }

    @Test func anEmptyLookupValueIsRejectedNotSentToTheDefaultWarehouse() async throws {
        try await using(try await JoorSandboxServer.started(token: "loud")) { sandbox async throws in
            let dir = try Self.workspace(sandbox, mapping: Self.mapping())
            let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: ["LOUD_TOKEN": "loud"])
            #expect(run.status == 3, "\(run.stderr)")
            let rejects = try String(contentsOfFile: dir.path("error/stock.xml.rejects.csv"), encoding: .utf8)
            #expect(
                rejects.contains(
                    "warehouse,,\"is empty, and the lookup 'sites' has no entry for it (on_missing: reject); say required: false if it may be empty\""
                ), "\(rejects)")
            let stock = await sandbox.state.allStock()
            #expect(stock.count == 2 && stock.allSatisfy { $0.warehouse == "Hamburg Süd" }, "no item went to JOOR's Default warehouse: \(stock)")
        }
    }

    @Test func checkWarnsOnBracesInADefaultAndSplitCanBeStrict() async throws {
        let dir = try TemporaryDirectory("loud-check")
        try dir.write(
            "orders.yml",
            text: """
                version: 1
                kind: orders
                output: { format: csv, file_name: "ORD_{order.order_id}.csv" }
                columns:
                  - { name: Company, from: order.company_name, default: "{order.customer_name}" }
                  - { name: Style, from: line.item_number }
                """)
        let check = try await Executable.run(["check", "--mapping", "orders.yml"], in: dir.path)
        #expect(check.status == 0, "a warning, not an error: \(check.stderr)")
        #expect(
            check.stderr.contains("orders.yml:5") && check.stderr.contains("default is written as it is, braces and all ('{order.customer_name}')"),
            "\(check.stderr)")
        #expect(check.stderr.contains("from: [order.company_name, order.customer_name]"))

        try dir.write(
            "sku.yml",
            text: """
                version: 1
                kind: inventory
                source: { format: csv }
                fields:
                  upc: { from: SKU, required: true }
                  size: { from: SKU, split: { on: "-", take: [3], parts: 4 } }
                  inventory: { from: Qty, type: integer }
                """)
        try dir.write("sku.csv", text: "SKU,Qty\nFS-1001-110-S,4\nFS-1001-110-S-X,5\n")
        let preview = try await Executable.run(["preview", "--mapping", "sku.yml", "--input", "sku.csv"], in: dir.path)
        #expect(preview.status == 3)
        #expect(
            preview.stderr.contains("sku.csv:3: field 'size': value 'FS-1001-110-S-X': has 5 part(s) when split on '-', not 4"), "\(preview.stderr)")
        #expect(preview.stdout.contains("\"size\":\"S\""), "the four-part value converts: \(preview.stdout)")
    }

    @Test func checkRefusesInboxPatternsTwoJobsShareAndWhatRunWouldRefuse() async throws {
        let dir = try TemporaryDirectory("loud-config")
        try dir.copyMappings(["inventory-csv.yml", "products-csv.yml"])
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_file: ./token }
                inventory: { mapping: mappings/inventory-csv.yml, include: ["*.csv"] }
                products: { mapping: mappings/products-csv.yml, include: ["products_*.csv"] }
                """)
        try dir.write("token", text: "secret-token-1\n")
        chmod(dir.path("token"), 0o644)
        let check = try await Executable.run(["check"], in: dir.path)
        #expect(check.status == 78, "\(check.stderr)")
        #expect(
            check.stderr.contains("the inventory and products jobs share the inbox and both take a file named like 'products_.csv'"),
            "\(check.stderr)")
        // Patterns apart: the token file readable by others is what run would refuse.
        let config = try String(contentsOfFile: dir.path("joorbridge.yml"), encoding: .utf8).replacingOccurrences(
            of: "[\"*.csv\"]", with: "[\"stock_*.csv\"]")
        try dir.write("joorbridge.yml", text: config)
        let token = try await Executable.run(["check"], in: dir.path)
        #expect(token.status == 78, "\(token.stderr)")
        #expect(token.stderr.contains("can be read by other users (mode 644); run: chmod 600"), "\(token.stderr)")
        chmod(dir.path("token"), 0o600)
        #expect(try await Executable.run(["check"], in: dir.path).status == 0)
    }

    /// Every command's help reads well at 80 columns: no line longer, and no paragraph broken by
    /// hand and then wrapped again (a short line followed by its own continuation).
    @Test func everyHelpReadsWellAtEightyColumns() async throws {
        let commands: [[String]] = [
            [], ["run"], ["watch"], ["status"], ["orders"], ["orders", "list"], ["orders", "show"], ["orders", "deliver"],
            ["orders", "adopt"], ["check"], ["preview"], ["sandbox"], ["demo"], ["init"], ["schema"],
        ]
        for command in commands {
            let help = try await Executable.run(command + ["--help"], environment: ["COLUMNS": "80"])
            #expect(help.status == 0, "\(command)")
            let lines = help.stdout.components(separatedBy: "\n")
            for line in lines where line.count > 80 { Issue.record("\(command): a line of \(line.count) columns: \(line)") }
            for (line, next) in zip(lines, lines.dropFirst()) {
                let text = line.trimmingCharacters(in: .whitespaces)
                let following = next.trimmingCharacters(in: .whitespaces)
                let sameIndent = line.prefix { $0 == " " }.count == next.prefix { $0 == " " }.count
                if sameIndent, text.count > 0, text.count < 45, !text.hasSuffix(":"), !text.hasSuffix("."), following.first?.isLowercase == true,
                    !text.hasPrefix("joorbridge"), !text.hasPrefix("-")
                {
                    Issue.record("\(command): a ragged line: '\(text)' / '\(following)'")
                }
            }
        }
    }
}
