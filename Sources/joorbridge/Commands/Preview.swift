import ArgumentParser
import FileFormats
import Foundation
import JoorAPI
import JoorBridge
import JoorModels
import Mapping

/// `joorbridge preview`: runs a mapping on a real file without sending or writing anything.
struct Preview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try a mapping on a real file: show what JOOR or the WMS would receive.",
        usage: "joorbridge preview --mapping <file> --input <file> [<options>]",
        discussion: """
            Inbound mappings (inventory, products): --input is a WMS export. The exact JSON request bodies \
            that would go to JOOR are printed to standard output, one JSON document per request (the \
            endpoint goes to standard error). Rejected rows go to standard error and, with --rejects, to a \
            CSV file (line, field, value, reason). A stock file goes through the inventory job's own steps, \
            so the bodies are byte for byte what `run` sends: with --config, the job's settings apply \
            (batch size, safety stock, overwrite, dec_pending), and --ledger leaves out what JOOR already \
            holds, as a run does. A product file is grouped into styles as the products job does it, and \
            held back and shown by the rules of the API it goes to (--api, or joor.api of --config): v2's \
            bulk-style requests, or v4's products, SKUs and prices (with placeholders for JOOR's ids).

            Outbound mappings (orders, customers): --input is a JOOR orders response (JSON or XML). The \
            files the WMS would receive are printed, each after a line "==> NAME <==", or written into \
            --output-dir.

            Examples:
              joorbridge preview --mapping mappings/inventory-csv.yml --input samples/inventory-csv/input.csv
              joorbridge preview --mapping mappings/products-csv.yml --input export.csv --limit 20 --rejects rejects.csv
              joorbridge preview --mapping mappings/products-csv.yml --input export.csv --api v4
              joorbridge preview --config joorbridge.yml --mapping mappings/inventory-csv.yml --input inbox/stock.csv --ledger
              joorbridge preview --mapping mappings/orders-csv-lines.yml --input samples/orders/joor-orders.json

            \(ExitStatus.helpText)
            """)

    @Option(help: ArgumentHelp("The mapping file.", valueName: "file"))
    var mapping: String

    @Option(help: ArgumentHelp("The input: a WMS export (inbound) or a JOOR orders response (outbound).", valueName: "file"))
    var input: String

    @Option(help: "Stop after this many converted records (inbound).")
    var limit: Int?

    @Option(help: ArgumentHelp("Also write rejected rows to this CSV file.", valueName: "file"))
    var rejects: String?

    @Option(help: "Inventory items or styles per request (inbound; default: the job's batch_size with --config, else 500).")
    var batchSize: Int?

    @Option(
        help: ArgumentHelp(
            "Take the job's settings from this configuration: the inventory job's (stock files) or the products job's batch_size.",
            valueName: "file"))
    var config: String?

    @Flag(help: "Leave out the items JOOR already holds, as a run does (reads the ledger of --config; stock files).")
    var ledger = false

    @Option(
        help: ArgumentHelp(
            "The JOOR API product files go to: what is held back and the requests shown follow it (default: joor.api of --config, else v2).",
            valueName: "api"))
    var api: BridgeConfig.ProductsAPI?

    @Flag(help: "Indent the JSON bodies (inbound); by default they are printed byte for byte as a run sends them.")
    var pretty = false

    @Option(help: ArgumentHelp("Write the WMS files into this folder instead of printing them (outbound).", valueName: "dir"))
    var outputDir: String?

    @Option(help: ArgumentHelp("Run id for {run.id} in outbound file names.", valueName: "id"))
    var runID: String = "preview"

    @Option(help: ArgumentHelp("The time to use for {now:…} (ISO 8601, e.g. 2025-06-05T08:00:00Z), for reproducible output.", valueName: "time"))
    var now: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1.") }
        if ledger && config == nil { throw ValidationError("--ledger reads the state file of a configuration: give --config too.") }
        guard FileManager.default.isReadableFile(atPath: input) else {
            throw ValidationError("Cannot read the input file '\(input)'.")
        }
    }

    func run() async throws {
        let file: MappingFile
        do { file = try MappingFile.load(path: mapping) } catch {
            for problem in error.errors { Console.error(problem.description) }
            throw ExitStatus.config.exitCode
        }
        for warning in file.warnings { Console.error(warning.description) }
        switch file.body {
        case .inbound(let inbound): try await previewInbound(inbound)
        case .outbound(let outbound): try previewOutbound(outbound)
        }
    }

    private func previewInbound(_ inbound: InboundMapping) async throws {
        let rejectsWriter = try rejects.map { try RejectsWriter(sink: FileByteSink(path: $0)) }
        var fatal: FileFormatError?
        var summary = InboundPreview.Summary()
        func emit(_ endpoint: String, _ body: Data) {
            Console.error("# \(endpoint)")
            Console.out(body)
            Console.out("")
        }
        func reject(_ rejection: RowRejection) throws {
            Console.error("rejected: \(rejection)")
            try rejectsWriter?.write(rejection)
        }
        do {
            if inbound.kind == .inventory {
                let (settings, state) = try inventorySettings()
                summary = try await InventoryPreview(mapping: inbound, settings: settings, limit: limit, pretty: pretty).run(
                    inputPath: input, ledger: state, emit: emit, reject: reject, note: { Console.error("preview: \($0)") })
            } else {
                let configured = try config.map { path in
                    let loaded = try ConfigOption.load(path)
                    guard let products = loaded.products else {
                        Console.error("error: \(path) has no products section; preview takes the products job's batch_size from it")
                        throw ExitStatus.config.exitCode
                    }
                    return (batchSize: products.batchSize, api: loaded.joor.productsAPI)
                }
                var preview = ProductsPreview(mapping: inbound, batchSize: batchSize ?? configured?.batchSize ?? 500, limit: limit, pretty: pretty)
                preview.api = api ?? configured?.api ?? .v2
                try ProductsJob.checkFields(of: inbound, at: mapping, api: preview.api)
                summary = try preview.run(inputPath: input, emit: emit, reject: reject)
            }
        } catch let error as MappingErrors {
            for problem in error.errors { Console.error(problem.description) }
            throw ExitStatus.config.exitCode
        } catch let error as ConfigError {
            for problem in error.problems { Console.error(problem.description) }
            throw ExitStatus.config.exitCode
        } catch let error as FileFormatError {
            Console.error("error: \(error)")
            fatal = error
        }
        try rejectsWriter?.flush()
        for line in summary.fieldReport(fields: inbound.fields.map(\.target)) { Console.error("preview: \(line)") }
        let unchanged = ledger ? ", \(summary.unchanged) unchanged (JOOR holds them)" : ""
        Console.error(
            "preview: \(summary.records) records from \(summary.rowsRead) rows, \(summary.rejected) rejected, \(summary.skipped) skipped, \(summary.requests) request(s)\(unchanged)"
        )
        if fatal != nil || summary.rejected > 0 { throw ExitStatus.partial.exitCode }
    }

    /// The inventory job's settings (from --config, or the defaults) and, with --ledger, its ledger.
    private func inventorySettings() throws -> (InventorySettings, Ledger?) {
        var settings = InventorySettings(job: InboxJobSettings(mapping: mapping, batchSize: 500))
        var state: Ledger?
        if let config {
            let loaded = try ConfigOption.load(config)
            guard let configured = loaded.inventory else {
                Console.error("error: \(config) has no inventory section; preview takes the inventory job's settings from it")
                throw ExitStatus.config.exitCode
            }
            settings = configured
            if ledger {
                if FileManager.default.fileExists(atPath: loaded.statePath) {
                    state = try Ledger(path: loaded.statePath)
                } else {
                    Console.error("preview: no state file at \(loaded.statePath) yet: a run would send every item")
                }
            }
        }
        if let batchSize { settings.batchSize = batchSize }
        return (settings, state)
    }

    private func previewOutbound(_ outbound: OutboundMapping) throws {
        let page: OrdersPage
        do { page = try OrdersPage.parse(try Data(contentsOf: URL(fileURLWithPath: input)), sourceName: input) } catch {
            Console.error("error: \(input): \(error)")
            throw ExitStatus.usage.exitCode
        }
        var context = RenderContext(runID: runID)
        if let now {
            guard let date = ISO8601DateFormatter().date(from: now) else {
                throw ValidationError("--now must be ISO 8601, like 2025-06-05T08:00:00Z")
            }
            context = RenderContext(runID: runID, date: date, timeZone: TimeZone(identifier: "UTC")!)
        }
        let preview = OutboundPreview(mapping: outbound, context: context)
        let (files, rejected) = try preview.run(orders: page.orders)
        let rejectsWriter = try rejects.map { try RejectsWriter(sink: FileByteSink(path: $0), kind: .orders) }
        for rejection in rejected {
            Console.error("rejected: \(rejection)")
            for problem in rejection.problems { try rejectsWriter?.write(problem) }
        }
        try rejectsWriter?.flush()
        for file in files {
            if let outputDir {
                try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
                try Data(file.bytes).write(to: URL(fileURLWithPath: outputDir).appendingPathComponent(file.name))
                Console.error("wrote \(outputDir)/\(file.name)")
            } else {
                Console.out("==> \(file.name) <==")
                Console.out(Data(file.bytes))
            }
        }
        Console.error("preview: \(page.orders.count) orders, \(files.count) file(s), \(rejected.count) order(s) rejected")
        if !rejected.isEmpty { throw ExitStatus.partial.exitCode }
    }
}

/// `preview --api v4`: the API product files go to.
extension BridgeConfig.ProductsAPI: ExpressibleByArgument {}
