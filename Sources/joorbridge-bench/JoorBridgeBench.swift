import ArgumentParser
import Foundation

/// `joorbridge-bench`: conversion speed and memory against the raw parsers and a Python script,
/// and what whole runs cost in JOOR requests. Run in release: `swift run -c release joorbridge-bench`.
@main
struct JoorBridgeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "joorbridge-bench",
        abstract: "Measure conversion throughput, peak memory and API economy; write Benchmarks/results.{md,json}.",
        discussion: """
            Generates deterministic inputs once into --data, then measures each
            workload in its own child process (wall time, and that process's peak
            RSS from wait4): the floor (raw libcsv, the raw libxml2 reader),
            joorbridge's conversions (the jobs' code, request bodies discarded),
            the Python reference (Benchmarks/python_reference.py), order rendering,
            and end-to-end runs against the in-process sandbox with its rate
            limiter on.

            Examples:
              swift run -c release joorbridge-bench          # the full set (minutes)
              swift run -c release joorbridge-bench --quick  # small sizes, to try it
            """,
        subcommands: [],
        defaultSubcommand: nil)

    @Option(help: "Folder for generated inputs (kept between runs).") var data = ".build/bench-data"
    @Option(help: "The shipped mappings.") var mappings = "mappings"
    @Option(help: "Where the results go (NAME.md and NAME.json).") var out = "Benchmarks/results"
    @Option(help: "Inventory CSV rows (the 1 M-row file).") var rows = 1_000_000
    @Option(help: "Inventory CSV rows of the big file (memory must stay flat).") var bigRows = 4_000_000
    @Option(help: "Inventory XML items.") var xmlItems = 500_000
    @Option(help: "Product CSV rows (1 M rows make 50 k styles).") var productRows = 1_000_000
    @Option(help: "JOOR orders for the order download.") var orders = 10_000
    @Option(help: "Lines per order.") var linesPerOrder = 20
    @Option(help: "SKUs for the end-to-end inventory push.") var pushSkus = 100_000
    @Flag(help: "Small sizes (20k rows, 1k orders) for a quick look or a smoke test.") var quick = false
    @Flag(help: "Skip the Python reference.") var skipPython = false
    @Option(
        help: """
            Runs of each measurement that takes under a minute: its time is their median (one run on \
            this machine varies by up to 10 %), its memory their maximum.
            """)
    var runs = 3

    /// Hidden: one workload in this process (the parent measures it).
    @Option(help: .hidden) var measure: String?
    @Option(help: .hidden) var input: String?
    @Option(help: .hidden) var result: String?

    func run() async throws {
        if let measure, let input, let result {
            var outcome = try await Self.workload(measure, input: input, mappings: mappings)
            outcome.peakRSSKiB = ownPeakRSSKiB()
            try JSONEncoder().encode(outcome).write(to: URL(fileURLWithPath: result))
            return
        }
        var sizes = (rows: rows, big: bigRows, xml: xmlItems, products: productRows, orders: orders, push: pushSkus)
        if quick { sizes = (20_000, 80_000, 10_000, 4_000, 1_000, 5_000) }
        let report = try await Runner(
            data: URL(fileURLWithPath: data), mappings: URL(fileURLWithPath: mappings).standardizedFileURL,
            sizes: sizes, linesPerOrder: linesPerOrder, python: !skipPython, runs: max(1, runs)
        ).run()
        try report.markdown().write(toFile: out + ".md", atomically: true, encoding: .utf8)
        try report.json().write(to: URL(fileURLWithPath: out + ".json"))
        print(report.markdown())
        print("written: \(out).md, \(out).json")
    }

    static func workload(_ name: String, input: String, mappings: String) async throws -> WorkloadResult {
        let folder = URL(fileURLWithPath: mappings)
        switch name {
        case "raw-csv-semicolon": return try Workloads.rawCSV(input, delimiter: UInt8(ascii: ";"))
        case "raw-csv-comma": return try Workloads.rawCSV(input, delimiter: UInt8(ascii: ","))
        case "reader-csv-semicolon": return try Workloads.readerCSV(input, delimiter: UInt8(ascii: ";"), encoding: .windows1252)
        case "raw-xml": return try Workloads.rawXML(input, record: "Item")
        case "reader-xml": return try Workloads.readerXML(input)
        case "convert-inventory-csv": return try Workloads.convertInventory(input, mapping: folder.appendingPathComponent("inventory-csv.yml").path)
        case "convert-inventory-xml": return try Workloads.convertInventory(input, mapping: folder.appendingPathComponent("inventory-xml.yml").path)
        case "inventory-job-passes":
            return try await Workloads.inventoryJobPasses(input, mapping: folder.appendingPathComponent("inventory-csv.yml").path)
        case "convert-products-csv": return try Workloads.convertProducts(input, mapping: folder.appendingPathComponent("products-csv.yml").path)
        default: throw BenchError("unknown workload \(name)")
        }
    }
}
