import ArgumentParser
import Mapping

/// `joorbridge check`: validates mapping files before they touch any data.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate mapping files (and, with a config, every mapping it names).",
        discussion: """
        Every problem is listed with its file, line and column, and what is allowed instead.
        Warnings (for example an order field JOOR is not known to send) do not fail the check.

        Examples:
          joorbridge check --mapping mappings/inventory-csv.yml
          joorbridge check --mapping mappings/*.yml

        \(ExitStatus.helpText)
        """)

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Mapping files to check.", valueName: "file"))
    var mapping: [String] = []

    func validate() throws {
        if mapping.isEmpty { throw ValidationError("Name at least one mapping with --mapping FILE.") }
    }

    func run() throws {
        var failed = false
        for path in mapping {
            do {
                let file = try MappingFile.load(path: path)
                for warning in file.warnings { Console.error(warning.description) }
                Console.out("ok: \(path): \(file.summary)")
            } catch {
                failed = true
                for problem in error.errors { Console.error(problem.description) }
            }
        }
        if failed { throw ExitStatus.config.exitCode }
    }
}

extension MappingFile {
    /// One line describing the mapping: kind, format, number of fields.
    var summary: String {
        switch body {
        case .inbound(let inbound):
            let format = if case .csv = inbound.source { "csv" } else { "xml" }
            return "\(kind.rawValue) mapping from \(format), \(inbound.fields.count) fields\(inbound.sizeGrid == nil ? "" : ", size grid")"
        case .outbound(let outbound):
            let format = if case .csv = outbound.format { "csv" } else { "xml" }
            return "\(kind.rawValue) mapping to \(format) (\(outbound.layoutName), one file per \(outbound.per.rawValue))"
        }
    }
}

extension OutboundMapping {
    var layoutName: String {
        switch layout {
        case .lines: "lines"
        case .sizeGrid: "size_grid"
        case .headerDetail: "header_detail"
        case .orders: "orders"
        }
    }
}
