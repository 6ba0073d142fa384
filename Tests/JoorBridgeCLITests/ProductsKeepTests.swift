import Foundation
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// The products job never takes from JOOR what a file did not mean to take, through the binary
/// against a sandbox that applies JOOR's documented `delivery_overwrite` and replaces a style's
/// colors and sizes on every upsert (the harsh reading).
@Suite("Products keep what JOOR has", .serialized)
struct ProductsKeepTests {
    static let token = "keep-token"
    static let env = ["KEEP_TOKEN": token]
    static let header =
        "StyleNo,StyleName,Description,ColorCode,ColorName,Size,UPC,WholesaleUSD,RetailUSD,WholesaleEUR,RetailEUR,Season,Year,Category\n"

    /// A row of FS-1001, the sandbox's seeded style (colors 110 and 410, sizes S, M and L).
    static func shirt(_ color: String, _ size: String, _ upc: String, retail: String = "98.00") -> String {
        "FS-1001,Linen Field Shirt,Relaxed button-front shirt.,\(color),Sand,\(size),\(upc),45.00,\(retail),42.00,95.00,Fall,2025,228\n"
    }

    /// What a v4 run needs besides the token (the sandbox's v4 login).
    static let v4Env = ["KEEP_TOKEN": token, "JOOR_CLIENT_SECRET": "sandbox-secret", "JOOR_PASSWORD": "sandbox-password"]

    static func workspace(
        _ sandbox: JoorSandboxServer, mapping: String = "mappings/products-csv.yml", api: String = "v2"
    ) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("keep")
        try dir.copyMappings(["products-csv.yml"])
        if api == "v4" { try dir.fitProductsMappingForV4() }
        let v4 = api == "v4" ? ", api: v4, v4: { client_id: sandbox-client, username: sandbox@example.com, account: \"1\" }" : ""
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: KEEP_TOKEN, base_url: "\(sandbox.baseURL)"\(v4) }
                state: ./state/joorbridge.sqlite
                products: { mapping: \(mapping), include: ["products_*.csv"], settle_seconds: 0 }

                """)
        return dir
    }

    static func style(_ sandbox: JoorSandboxServer, _ identifier: String) async -> Style? {
        await sandbox.state.allStyles().first { $0.styleIdentifier == identifier }
    }

    /// JOOR's default `delivery_overwrite` (1) replaces all of a style's linesheets with those in
    /// the call: a style sent with this season's linesheet would leave the one made in JOOR.
    @Test func aStyleStaysOnTheLinesheetsItIsOn() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            #expect(await Self.style(sandbox, "FS-1001")?.deliveries.map(\.name) == ["Core Basics"], "seeded on a linesheet made in JOOR")
            let dir = try Self.workspace(sandbox)
            try dir.write("inbox/products_1.csv", text: Self.header + Self.shirt("110", "S", "000000000017") + Self.shirt("110", "M", "000000000024"))
            let run = try await Executable.run(["run", "products"], in: dir.path, environment: Self.env)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(await Self.style(sandbox, "FS-1001")?.deliveries.map(\.name) == ["Core Basics", "Fall 2025"])
            let body = try #require(await sandbox.state.requestLog.last { $0.path == "/v2/bulk-style" }?.body)
            #expect(String(decoding: body, as: UTF8.self).contains(#""delivery_overwrite":3"#), "sent explicitly, not left to JOOR's default")
        }
    }

    /// A mapping may choose to replace the linesheets, but not to take a style off every one of
    /// them: a file without linesheets holds such a style back, naming why.
    @Test func replacingLinesheetsWithNoneIsRefused() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(sandbox, mapping: "replace.yml")
            let shipped = try String(contentsOfFile: dir.path("mappings/products-csv.yml"), encoding: .utf8)
            try dir.write(
                "replace.yml",
                text: shipped.split(separator: "\n").filter { !$0.contains("{Season}") && !$0.contains("\"Season\"") }.joined(separator: "\n")
                    + "\n  delivery_overwrite:  { const: \"1\" }\n")
            try dir.write("inbox/products_1.csv", text: Self.header + Self.shirt("110", "S", "000000000017"))
            let run = try await Executable.run(["run", "products"], in: dir.path, environment: Self.env)
            #expect(run.status == 3, "\(run.stderr)")
            #expect(run.stderr.contains("held back") && run.stderr.contains("FS-1001"), "\(run.stderr)")
            let rejects = try String(contentsOfFile: dir.path("error/products_1.csv.rejects.csv"), encoding: .utf8)
            #expect(rejects.contains("delivery_overwrite 1 replaces the style's linesheets"), "\(rejects)")
            #expect(await sandbox.state.requestLog.allSatisfy { $0.path != "/v2/bulk-style" }, "nothing sent")
            #expect(await Self.style(sandbox, "FS-1001")?.deliveries.map(\.name) == ["Core Basics"])
        }
    }

    /// One unreadable row of a style holds the whole style back: sent without the row, the upsert
    /// would take the row's size from JOOR. The other styles of the file go.
    @Test func aStyleWithARejectedRowIsHeldBackWhole() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let before = try #require(await Self.style(sandbox, "FS-1001"))
            let dir = try Self.workspace(sandbox)
            let tote = "TB-2002,Canvas Tote,Heavy canvas tote.,001,Black,OS,000000000031,33.00,72.00,31.00,69.00,Fall,2025,310\n"
            try dir.write(
                "inbox/products_1.csv",
                text: Self.header + Self.shirt("110", "S", "000000000017") + tote + Self.shirt("110", "M", "000000000024")
                    + Self.shirt("110", "L", "000000000062", retail: "n/a"))
            let run = try await Executable.run(["run", "products"], in: dir.path, environment: Self.env)
            #expect(run.status == 3, "\(run.stderr)")
            #expect(run.stderr.contains("held back (not sent; the rejects file says why): FS-1001"), "\(run.stderr)")
            let rejects = try String(contentsOfFile: dir.path("error/products_1.csv.rejects.csv"), encoding: .utf8)
            #expect(rejects.contains("5,price.USD-1.retail,n/a,is not a number"), "\(rejects)")
            #expect(rejects.contains(#",style_number,FS-1001,"not sent: its row on line 5 was rejected"#), "\(rejects)")
            #expect(await Self.style(sandbox, "FS-1001") == before, "JOOR keeps the style as it was, size L included")
            #expect(await Self.style(sandbox, "TB-2002")?.deliveries.map(\.name) == ["Core Basics", "Fall 2025"], "the other style went")

            // The corrected file sends it whole.
            try dir.write(
                "inbox/products_2.csv",
                text: Self.header + Self.shirt("110", "S", "000000000017") + Self.shirt("110", "M", "000000000024")
                    + Self.shirt("110", "L", "000000000062"))
            let fixed = try await Executable.run(["run", "products"], in: dir.path, environment: Self.env)
            #expect(fixed.status == 0, "\(fixed.stderr)")
            #expect(await Self.style(sandbox, "FS-1001")?.sizes.map(\.name) == ["S", "M", "L"])

            // So does a row the CSV reader cannot take whole (a delimiter too many): its style
            // is read from the fields it has.
            try dir.write(
                "inbox/products_3.csv",
                text: Self.header + Self.shirt("110", "S", "000000000017") + Self.shirt("110", "M", "000000000024")
                    + Self.shirt("110", "L", "000000000062").replacingOccurrences(of: "Relaxed button-front", with: "Relaxed, button-front"))
            let ragged = try await Executable.run(["run", "products", "--full"], in: dir.path, environment: Self.env)
            #expect(ragged.status == 3, "\(ragged.stderr)")
            #expect(ragged.stderr.contains("held back (not sent; the rejects file says why): FS-1001"), "\(ragged.stderr)")
            let raggedRejects = try String(contentsOfFile: dir.path("error/products_3.csv.rejects.csv"), encoding: .utf8)
            #expect(raggedRejects.contains("4,,,row has 15 fields but the header has 14"), "\(raggedRejects)")
            #expect(await Self.style(sandbox, "FS-1001")?.sizes.map(\.name) == ["S", "M", "L"], "size L stays in JOOR")
        }
    }

    /// A price list must give style names too: JOOR requires one, and the style number in its
    /// place would rename the style in JOOR. A mapping without style_name is refused; a style
    /// no row of which names it is held back.
    @Test func aStyleIsNeverRenamedToItsNumber() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(sandbox, mapping: "prices.yml")
            let mapping = """
                version: 1
                kind: products
                source: { format: csv }
                fields:
                  style_number: { from: StyleNo, required: true }
                  price.USD-1.wholesale: { from: WholesaleUSD, type: decimal }

                """
            try dir.write("prices.yml", text: mapping)
            try dir.write("inbox/products_1.csv", text: "StyleNo,Name,WholesaleUSD\nFS-1001,,47.00\n")
            let check = try await Executable.run(["check"], in: dir.path, environment: Self.env)
            #expect(check.status == 78 && check.stderr.contains("a products mapping needs the field 'style_name'"), "\(check.stderr)")

            try dir.write("prices.yml", text: mapping + "  style_name: { from: Name }\n")
            let run = try await Executable.run(["run", "products"], in: dir.path, environment: Self.env)
            #expect(run.status == 3 && run.stderr.contains("held back (not sent; the rejects file says why): FS-1001"), "\(run.stderr)")
            let rejects = try String(contentsOfFile: dir.path("error/products_1.csv.rejects.csv"), encoding: .utf8)
            #expect(rejects.contains("no row of it gives a style_name, which JOOR requires"), "\(rejects)")
            #expect(await Self.style(sandbox, "FS-1001")?.styleName == "Linen Field Shirt")
        }
    }

    /// Rows that price a style's colors differently. JOOR's v2 API prices the style, so whichever
    /// row came first would set every color's price: the style is held back, naming both rows.
    /// JOOR's v4 API prices each SKU, and each gets its row's price. Two rows of one style that
    /// give it different descriptions hold it back with either API. `preview` shows the same.
    @Test(arguments: ["v2", "v4"]) func rowsThatDisagreeAreNotSettledByTheirOrder(api: String) async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(sandbox, api: api)
            let env = api == "v4" ? Self.v4Env : Self.env
            func skirt(_ color: String, _ name: String, _ size: String, _ wholesale: String, about: String = "A-line wool skirt.") -> String {
                "SK-3003,Wool Skirt,\(about),\(color),\(name),\(size),,\(wholesale),140.00,60.00,130.00,Fall,2025,228\n"
            }
            let tote = "TB-2002,Canvas Tote,Heavy canvas tote.,001,Black,OS,000000000031,33.00,72.00,31.00,69.00,Fall,2025,310\n"
            try dir.write(
                "inbox/products_1.csv",
                text: Self.header + skirt("001", "Black", "S", "64.00") + tote + skirt("001", "Black", "M", "64.00")
                    + skirt("100", "Natural", "S", "68.00") + skirt("100", "Natural", "M", "68.00"))
            // preview follows joor.api of --config: what it holds back, and the requests it shows.
            let preview = try await Executable.run(
                ["preview", "--config", "joorbridge.yml", "--mapping", "mappings/products-csv.yml", "--input", "inbox/products_1.csv"],
                in: dir.path, environment: env)
            if api == "v2" {
                #expect(preview.status == 3 && preview.stderr.contains("not sent: the rows of style SK-3003 give two values"), "\(preview.stderr)")
                #expect(preview.stderr.contains("# POST /v2/bulk-style") && !preview.stdout.contains("SK-3003"), "\(preview.stdout)")
                // --api overrides the config's; v2's mapping gives fields v4 has no place for, as a run says.
                let asV4 = try await Executable.run(
                    ["preview", "--api", "v4", "--mapping", "mappings/products-csv.yml", "--input", "inbox/products_1.csv"], in: dir.path)
                #expect(asV4.status == 78 && asV4.stderr.contains("field 'season_name' would not reach JOOR"), "\(asV4.stderr)")
            } else {
                #expect(preview.status == 0 && preview.stderr.contains("# POST /v4/prices/bulk_create"), "\(preview.stderr)")
                #expect(
                    preview.stdout.contains(
                        #"{"price_type_id":"<id of price type USD-1>","retail_value":"140.00","sku_id":"<id of SKU SK-3003-100-S>","wholesale_value":"68.00"}"#
                    ), "each SKU at its row's price: \(preview.stdout)")
            }
            let run = try await Executable.run(["run", "products"], in: dir.path, environment: env)
            if api == "v2" {
                #expect(run.status == 3, "\(run.stderr)")
                #expect(run.stderr.contains("held back (not sent; the rejects file says why): SK-3003"), "\(run.stderr)")
                let rejects = try String(contentsOfFile: dir.path("error/products_1.csv.rejects.csv"), encoding: .utf8)
                #expect(
                    rejects.contains(
                        "5,price.USD-1.wholesale,68.00,\"not sent: the rows of style SK-3003 give two values for price.USD-1.wholesale: '64.00' on line 2 and '68.00' on line 5."
                    )
                        && rejects.contains("its v4 API (joor.api: v4) prices each SKU"), "\(rejects)")
                #expect(await Self.style(sandbox, "SK-3003") == nil, "not sent at the first color's price")
                #expect(await Self.style(sandbox, "TB-2002")?.prices.first { $0.label == "USD-1" }?.wholesale == "33.00", "the other style went")
            } else {
                #expect(run.status == 0, "\(run.stderr)")
                let v4 = await sandbox.state.v4
                let product = try #require(v4.products.values.first { $0.externalID == "SK-3003" })
                var wholesale: [String: String] = [:]
                for sku in v4.skus.values where sku.productID == product.id {
                    wholesale[sku.color + "/" + sku.size] = v4.prices.first { $0.skuID == sku.id && $0.priceTypeID == "1234" }?.wholesale
                }
                #expect(wholesale == ["001/S": "64.00", "001/M": "64.00", "100/S": "68.00", "100/M": "68.00"], "each SKU at its row's price")
            }

            // A description that differs between rows holds the style back with either API.
            try dir.write(
                "inbox/products_2.csv",
                text: Self.header + skirt("001", "Black", "S", "64.00") + skirt("001", "Black", "M", "64.00", about: "Lined wool skirt."))
            let second = try await Executable.run(["run", "products"], in: dir.path, environment: env)
            #expect(second.status == 3, "\(second.stderr)")
            let rejects = try String(contentsOfFile: dir.path("error/products_2.csv.rejects.csv"), encoding: .utf8)
            #expect(
                rejects.contains(
                    "3,style_description,Lined wool skirt.,\"not sent: the rows of style SK-3003 give two values for style_description: 'A-line wool skirt.' on line 2 and 'Lined wool skirt.' on line 3."
                ),
                "\(rejects)")
        }
    }

    /// JOOR's v4 API takes a price as an amount in its price type's currency: euros the file
    /// prices in dollars would read as euros. Such a style is refused before any of it is made.
    @Test func aV4PriceInAnotherCurrencyThanItsPriceTypeIsRefused() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try Self.workspace(sandbox, api: "v4")
            let mapping = try String(contentsOfFile: dir.path("mappings/products-csv.yml"), encoding: .utf8)
            try dir.write("mappings/products-csv.yml", text: mapping + "\n  price.EUR-1.currency: { const: USD }\n")
            try dir.write("inbox/products_1.csv", text: Self.header + Self.shirt("110", "S", "000000000017") + Self.shirt("110", "M", "000000000024"))
            let run = try await Executable.run(["run", "products"], in: dir.path, environment: Self.v4Env)
            #expect(run.status == 3, "\(run.stderr)")
            let rejects = try String(contentsOfFile: dir.path("error/products_1.csv.rejects.csv"), encoding: .utf8)
            #expect(rejects.contains("JOOR's price type EUR-1 is in EUR (wholesale), but the file prices it in USD"), "\(rejects)")
            #expect(await sandbox.state.v4.products.isEmpty, "nothing of the style is made in JOOR")
        }
    }

    /// A fixed-width line cut short, or with a byte its encoding does not have, holds back its
    /// style like any rejected row: what can be read of the line says whose it is.
    @Test func anUnreadableFixedWidthLineHoldsBackItsStyle() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let before = try #require(await Self.style(sandbox, "FS-1001"))
            let dir = try Self.workspace(sandbox, mapping: "mappings/products-fixed.yml")
            try dir.write(
                "mappings/products-fixed.yml",
                text: """
                    version: 1
                    kind: products
                    source:
                      format: fixed
                      fixed:
                        encoding: windows-1252
                        fields: { Style: { start: 1, length: 8 }, Name: { start: 9, length: 18 }, Color: { start: 27, length: 4 }, \
                    Size: { start: 31, length: 3 }, UPC: { start: 34, length: 12 }, Price: { start: 46, length: 6 } }
                    fields:
                      style_number: { from: Style, required: true }
                      style_name: { from: Name }
                      color_code: { from: Color, required: true }
                      color_name: { from: Color }
                      size: { from: Size, required: true }
                      upc: { from: UPC }
                      price.USD-1.wholesale: { from: Price, type: decimal }

                    """)
            func line(_ style: String, _ name: String, _ color: String, _ size: String, _ upc: String, _ price: String) -> String {
                func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
                return pad(style, 8) + pad(name, 18) + pad(color, 4) + pad(size, 3) + pad(upc, 12) + pad(price, 6) + "\r\n"
            }
            let tote = line("TB-2002", "Canvas Tote", "001", "OS", "000000000031", "33.00")
            for (number, broken) in [
                (1, String(line("FS-1001", "Linen Field Shirt", "110", "L", "000000000062", "45.00").prefix(40)) + "\r\n"),
                (2, line("FS-1001", "Linen Field Shirt", "110", "L", "000000000062", "45.00").replacingOccurrences(of: "Linen", with: "Lin\u{81}n")),
            ] {
                var bytes = Array((line("FS-1001", "Linen Field Shirt", "110", "S", "000000000017", "45.00") + tote).utf8)
                // 0x81 is a byte windows-1252 does not define.
                bytes += broken.unicodeScalars.map { $0 == "\u{81}" ? 0x81 : UInt8(truncatingIfNeeded: $0.value) }
                try dir.write("inbox/products_\(number).csv", bytes)
                let run = try await Executable.run(["run", "products", "--full"], in: dir.path, environment: Self.env)
                #expect(run.status == 3, "\(run.stderr)")
                #expect(run.stderr.contains("held back (not sent; the rejects file says why): FS-1001"), "\(number): \(run.stderr)")
                #expect(await Self.style(sandbox, "FS-1001") == before, "\(number): JOOR keeps the style as it was")
                #expect(await Self.style(sandbox, "TB-2002") != nil, "the other style went")
            }
        }
    }
}
