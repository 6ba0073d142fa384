import ArgumentParser
import JoorBridge
import Mapping

/// `joorbridge check`: validates mapping files before they touch any data.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the config and every mapping it names, or the mapping files given.",
        discussion: """
            Every problem is listed with its file, line and column, and what is allowed instead. Warnings \
            (for example an order field JOOR is not known to send) do not fail the check. Without --mapping, \
            checks the config (--config, else $JOORBRIDGE_CONFIG, else ./joorbridge.yml) and each mapping it \
            names.

            With --connect it also logs in, changing nothing anywhere: JOOR with the API token (one \
            read-only order: sync=0, nothing is marked exported) and, with joor.api: v4, the v4 login (one \
            product); and each sftp:// folder (host key, key, passphrase). It says whether JOOR's answers \
            have the shape joorbridge reads, naming the first field that differs. A credential JOOR refuses, \
            an unreachable server or an unexpected answer exits 69; a credential that is not set (its \
            environment variable empty, its file missing) exits 78, like the config mistake it is.

            Examples:
              joorbridge check
              joorbridge check --config /etc/joorbridge/joorbridge.yml
              joorbridge check --mapping mappings/inventory-csv.yml
              joorbridge check --mapping mappings/*.yml
              joorbridge check --connect

            \(ExitStatus.helpText)
            """)

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Mapping files to check.", valueName: "file"))
    var mapping: [String] = []

    @Option(help: ArgumentHelp("The config file to check with the mappings it names.", valueName: "file"))
    var config: String?

    @Flag(help: "Also log in to JOOR (token, v4 login) and the config's sftp:// folders, changing nothing.")
    var connect = false

    func run() async throws {
        var failed = false
        var unreachable = false
        // The files to check, each with the kind its job needs (none for a --mapping file).
        var checks: [(path: String, use: BridgeConfig.MappingUse?)] = mapping.map { ($0, nil) }
        var loaded: BridgeConfig?
        if mapping.isEmpty || config != nil {
            let path = BridgeConfig.resolvePath(config)
            do {
                let settings = try BridgeConfig.load(path: path)
                loaded = settings
                let startup = settings.startupProblems()
                for warning in startup.warnings { Console.error(warning.description) }
                if startup.errors.isEmpty {
                    Console.out("ok: \(path): config")
                } else {
                    failed = true
                    for problem in startup.errors { Console.error(problem.description) }
                }
                checks += settings.mappingUses.map { ($0.path, $0) }
                if connect {
                    let probes = await settings.probeJOOR(logger: Logging.make(level: .error)) + settings.probeRemoteFolders()
                    for probe in probes {
                        if let confirmed = probe.confirmed {
                            Console.out("ok: \(probe.url): \(probe.role): \(confirmed)")
                        } else {
                            if probe.problemIsConfiguration { failed = true } else { unreachable = true }
                            Console.error("error: \(probe.role) \(probe.problem ?? "unknown problem")")
                        }
                    }
                }
            } catch {
                failed = true
                for problem in error.problems { Console.error(problem.description) }
            }
        }
        for (path, use) in checks {
            let file: MappingFile
            do { file = try MappingFile.load(path: path) } catch {
                failed = true
                for problem in error.errors { Console.error(problem.description) }
                continue
            }
            for warning in file.warnings { Console.error(warning.description) }
            do {
                if let use, let loaded { try loaded.check(file, for: use) }
                Console.out("ok: \(path): \(file.summary)")
            } catch {
                failed = true
                for problem in error.problems { Console.error(problem.description) }
            }
        }
        if failed { throw ExitStatus.config.exitCode }
        if unreachable { throw ExitStatus.unavailable.exitCode }
    }
}

extension MappingFile {
    /// One line describing the mapping: kind, format, number of fields.
    var summary: String {
        switch body {
        case .inbound(let inbound):
            return
                "\(kind.rawValue) mapping from \(inbound.source.name), \(inbound.fields.count) fields\(inbound.sizeGrid == nil ? "" : ", size grid")"
        case .outbound(let outbound):
            return "\(kind.rawValue) mapping to \(outbound.format.name) (\(outbound.layoutName), one file per \(outbound.per.rawValue))"
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
