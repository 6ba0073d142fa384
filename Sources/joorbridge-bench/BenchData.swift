import Foundation
import JoorSandbox

/// Deterministic synthetic inputs, written once into the data folder and reused by later runs.
enum BenchData {
    /// A 12-digit GTIN with a valid check digit.
    static func gtin(_ n: Int) -> String {
        var digits = Array(String(format: "%011d", n).utf8).map { Int($0 - 48) }
        let sum = digits.reversed().enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 3 : 1) }
        digits.append((10 - sum % 10) % 10)
        return String(digits.map { Character(String($0)) })
    }

    /// The stock export of `mappings/inventory-csv.yml` (semicolons, CRLF, Windows-1252 declared).
    static func inventoryCSV(rows: Int, to path: String) throws {
        try write(path) { out in
            out("Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\n")
            var rng = SplitMix(seed: 42)
            for i in 0..<rows {
                let onHand = 20 + Int(rng.next() % 480)
                let reserved = Int(rng.next() % 20)
                let incoming = i % 10 == 0 ? "15.09.2026" : ""
                let status = i % 50 == 0 ? "D" : "A"
                out(
                    "ART-\(100_000 + i / 8);\(gtin(i));\(100 + i % 8 * 10);\(["XS", "S", "M", "L", "XL", "XXL", "36", "38"][i % 8]);\(i % 3 == 0 ? "MUC" : "HH");\(onHand);\(reserved);\(incoming);\(status)\r\n"
                )
            }
        }
    }

    /// The namespaced stock report of `mappings/inventory-xml.yml`.
    static func inventoryXML(items: Int, to path: String) throws {
        try write(path) { out in
            out(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wms:InventoryReport xmlns:wms=\"urn:example:wms:inventory:1\" generated=\"2026-11-26T04:00:00Z\">\n"
            )
            var rng = SplitMix(seed: 7)
            let perSite = max(1, items / 10)
            for i in 0..<items {
                if i % perSite == 0 {
                    if i > 0 { out("  </wms:Site>\n") }
                    out("  <wms:Site code=\"\(i / perSite % 2 == 0 ? "HH" : "MUC")\">\n")
                }
                out(
                    "    <wms:Item sku=\"\(gtin(i))\">\n      <wms:OnHand>\(rng.next() % 500)</wms:OnHand>\n      <wms:Allocated>\(rng.next() % 20)</wms:Allocated>\n    </wms:Item>\n"
                )
            }
            out("  </wms:Site>\n</wms:InventoryReport>\n")
        }
    }

    /// The product export of `mappings/products-csv.yml`: styles of 4 colors × 5 sizes, rows shuffled by stride.
    static func productsCSV(rows: Int, to path: String) throws {
        try write(path) { out in
            out("StyleNo,StyleName,Description,ColorCode,ColorName,Size,UPC,WholesaleUSD,RetailUSD,WholesaleEUR,RetailEUR,Season,Year,Category\n")
            let colors = [("100", "White"), ("200", "Oat"), ("410", "Navy"), ("900", "Black")]
            let sizes = ["XS", "S", "M", "L", "XL"]
            for j in 0..<rows {
                let i = (j &* 7_919) % rows  // rows of one style spread over the file
                let style = i / 20
                let color = colors[i / 5 % 4]
                let size = sizes[i % 5]
                out(
                    "ST-\(200_000 + style),Style \(style),\"A garment, style \(style).\",\(color.0),\(color.1),\(size),\(gtin(50_000_000 + i)),\(40 + style % 60).00,\(98 + style % 60).00,\(38 + style % 60).00,\(95 + style % 60).00,Fall,2026,228\n"
                )
            }
        }
    }

    private static func write(_ path: String, _ body: ((String) -> Void) throws -> Void) throws {
        _ = FileManager.default.createFile(atPath: path + ".tmp", contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + ".tmp"))
        var buffer = Data()
        buffer.reserveCapacity(1 << 20)
        try body { text in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 20 {
                handle.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(buffer)
        try handle.close()
        try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
    }
}
