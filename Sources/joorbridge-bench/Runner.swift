import Foundation

/// Runs every measurement and collects the report.
struct Runner {
    let data: URL
    let mappings: URL
    let sizes: (rows: Int, big: Int, xml: Int, products: Int, orders: Int, push: Int)
    let linesPerOrder: Int
    let python: Bool
    /// Runs of each short measurement; the row shows their median time and largest peak RSS.
    let runs: Int

    func run() async throws -> BenchReport {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let stock = try input("inventory-\(sizes.rows).csv") { try BenchData.inventoryCSV(rows: sizes.rows, to: $0) }
        let bigStock = try input("inventory-\(sizes.big).csv") { try BenchData.inventoryCSV(rows: sizes.big, to: $0) }
        let xml = try input("inventory-\(sizes.xml).xml") { try BenchData.inventoryXML(items: sizes.xml, to: $0) }
        let products = try input("products-\(sizes.products).csv") { try BenchData.productsCSV(rows: sizes.products, to: $0) }

        var report = BenchReport(machine: BenchReport.machine())
        func add(_ group: String, _ label: String, _ workload: String, _ file: String) throws {
            report.rows.append(try measure(group: group, label: label, workload: workload, file: file))
            log(report.rows.last!.line)
        }
        try add("inventory CSV \(sizes.rows)", "floor: raw libcsv", "raw-csv-semicolon", stock)
        try add("inventory CSV \(sizes.rows)", "joorbridge CSV reader alone (no mapping)", "reader-csv-semicolon", stock)
        try add("inventory CSV \(sizes.rows)", "joorbridge conversion", "convert-inventory-csv", stock)
        try add(
            "inventory CSV \(sizes.rows)", "the inventory job's two passes (as run and preview make them; no HTTP)", "inventory-job-passes", stock)
        if python, let reference = try measurePython(group: "inventory CSV \(sizes.rows)", file: stock) {
            report.rows.append(reference)
            log(reference.line)
        }
        try add("inventory CSV \(sizes.big)", "floor: raw libcsv", "raw-csv-semicolon", bigStock)
        try add("inventory CSV \(sizes.big)", "joorbridge conversion", "convert-inventory-csv", bigStock)
        try add("inventory XML \(sizes.xml)", "floor: raw libxml2 reader", "raw-xml", xml)
        try add("inventory XML \(sizes.xml)", "joorbridge XML reader alone (no mapping)", "reader-xml", xml)
        try add("inventory XML \(sizes.xml)", "joorbridge conversion", "convert-inventory-xml", xml)
        try add("products CSV \(sizes.products)", "floor: raw libcsv", "raw-csv-comma", products)
        try add("products CSV \(sizes.products)", "joorbridge conversion (grouped into styles)", "convert-products-csv", products)

        let work = data.appendingPathComponent("e2e")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        log("end to end: inventory push of \(sizes.push) SKUs …")
        report.inventoryPush = try await EndToEnd.inventoryPush(skus: sizes.push, work: work, mappings: mappings)
        for (mapping, format) in [("orders-csv-lines.yml", "CSV"), ("orders-xml.yml", "XML")] {
            log("end to end: \(sizes.orders) orders → \(format) …")
            report.orders.append(
                try await EndToEnd.ordersDownload(
                    orders: sizes.orders, lines: linesPerOrder, mapping: mapping, format: format, work: work, mappings: mappings))
        }
        try? FileManager.default.removeItem(at: work)
        return report
    }

    private func input(_ name: String, _ generate: (String) throws -> Void) throws -> String {
        let path = data.appendingPathComponent(name).path
        if !FileManager.default.fileExists(atPath: path) {
            log("generating \(name) …")
            try generate(path)
        }
        return path
    }

    private func measure(group: String, label: String, workload: String, file: String) throws -> BenchReport.Row {
        let result = data.appendingPathComponent("result-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: result) }
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
        var rows: [BenchReport.Row] = []
        for _ in 0..<runs {
            let measured = try ChildProcess.measure([me, "--measure", workload, "--input", file, "--result", result, "--mappings", mappings.path])
            guard measured.status == 0 else { throw BenchError("\(workload) failed with status \(measured.status)") }
            let outcome = try JSONDecoder().decode(WorkloadResult.self, from: Data(contentsOf: URL(fileURLWithPath: result)))
            rows.append(
                BenchReport.Row(
                    group: group, label: label, file: file, bytes: size(file), rows: outcome.rows, seconds: measured.seconds,
                    peakRSSKiB: outcome.peakRSSKiB ?? measured.peakRSSKiB))
            if measured.seconds > 60 { break }  // a long measurement varies less than it costs to repeat
        }
        return .median(of: rows)
    }

    private func measurePython(group: String, file: String) throws -> BenchReport.Row? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Benchmarks/python_reference.py").path
        let output = data.appendingPathComponent("python-output.json").path
        var rows: [BenchReport.Row] = []
        for _ in 0..<runs {
            guard let measured = try? ChildProcess.measure(["python3", script, file], stdout: output), measured.status == 0 else {
                log("python3 is not available: the Python reference is skipped")
                return nil
            }
            let printed = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any]
            rows.append(
                BenchReport.Row(
                    group: group, label: "Python reference (csv.DictReader + json.dumps)", file: file, bytes: size(file),
                    rows: printed?["rows"] as? Int ?? 0, seconds: measured.seconds, peakRSSKiB: printed?["peakKiB"] as? Int ?? measured.peakRSSKiB))
        }
        return .median(of: rows)
    }

    private func size(_ file: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
    }

    private func log(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
