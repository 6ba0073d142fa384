import ArgumentParser
import Foundation
import JoorBridge
import JoorSandbox
import Logging

/// `joorbridge demo`: the whole order download against a built-in JOOR sandbox, in one command.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "See joorbridge work: a built-in JOOR sandbox, seeded orders, one run, and where to look.",
        discussion: """
        Starts a JOOR sandbox on a free loopback port with realistic orders, writes a config and
        the mappings into a work folder (a new temporary one unless --workdir is given), runs the
        order download once, and shows what happened: the WMS files in the outbox, what the
        ledger recorded, and what the sandbox now reports as exported. Needs no JOOR account and
        no network. Run it again with the same --workdir to see that nothing is delivered twice.

        Examples:
          joorbridge demo
          joorbridge demo --workdir ./demo --orders 50

        \(ExitStatus.helpText)
        """)

    @Option(help: ArgumentHelp("Work folder for the config, outbox and state (default: a new temporary folder).", valueName: "dir"))
    var workdir: String?

    @Option(help: "Orders the sandbox starts with.")
    var orders: Int = 25

    func run() async throws {
        let fm = FileManager.default
        let dir = workdir.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? fm.temporaryDirectory.appendingPathComponent("joorbridge-demo-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: dir.appendingPathComponent("mappings"), withIntermediateDirectories: true)
        for (name, text) in DemoMappings.files {
            let target = dir.appendingPathComponent("mappings/\(name)")
            if !fm.fileExists(atPath: target.path) { try (text + "\n").write(to: target, atomically: true, encoding: .utf8) }
        }
        var sandboxConfig = SandboxConfiguration()
        sandboxConfig.port = 0
        sandboxConfig.seedOrders = orders
        sandboxConfig.dataDirectory = dir.appendingPathComponent("sandbox").path
        sandboxConfig.token = "demo-token"
        let sandbox = try await JoorSandboxServer(configuration: sandboxConfig)
        try await sandbox.start()
        defer { Task { await sandbox.stop() } }

        let configPath = dir.appendingPathComponent("joorbridge.yml").path
        try """
        # Written by `joorbridge demo`. JOOR here is the built-in sandbox; for a real account set
        # base_url away (or test_mode: true for JOOR's own sandbox) and put the token in JOOR_API_TOKEN.
        version: 1
        joor:
          token_env: JOORBRIDGE_DEMO_TOKEN
          base_url: \(sandbox.baseURL)
        folders:
          outbox: ./outbox
        state: ./state/joorbridge.sqlite
        orders:
          mapping: mappings/orders-csv-lines.yml
          customers_mapping: mappings/customers-csv.yml
          order_status: approved
          skip_empty_customer_code: true

        """.write(toFile: configPath, atomically: true, encoding: .utf8)

        Console.error("JOOR sandbox: \(sandbox.baseURL) with \(await sandbox.state.allOrders().count) orders")
        Console.error("work folder:  \(dir.path)\n")
        let config = try BridgeConfig.load(path: configPath, environment: [:])
        let outcome = await BridgeRun(config: config, logger: Logging.make(level: .warning), environment: ["JOORBRIDGE_DEMO_TOKEN": "demo-token"]).run(jobs: ["orders"])
        Console.error(outcome.summaryText)

        let outbox = dir.appendingPathComponent("outbox")
        let files = ((try? fm.contentsOfDirectory(atPath: outbox.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let states = await sandbox.state.allOrders()
        Console.out("""

        What happened
          JOOR (sandbox) had \(states.count) orders; \(states.filter { $0.status == .approved }.count) approved, \(states.filter(\.exported).count) now marked exported.
          The outbox holds \(files.filter { $0.hasPrefix("ORD_") }.count) order files and \(files.filter { $0.hasPrefix("CUST_") }.count) customer files, ready for the WMS.
          Approved orders without a customer code were skipped, as configured.
        """)
        if let first = files.first(where: { $0.hasPrefix("ORD_") }),
           let text = try? String(contentsOf: outbox.appendingPathComponent(first), encoding: .utf8) {
            Console.out("\n\(first):")
            for line in text.split(whereSeparator: \.isNewline).prefix(4) { Console.out("  " + line) }
        }
        Console.out("""

        Where to look
          \(outbox.path)/                 the WMS import files
          \(configPath)          the config (edit, then run again)
          joorbridge status --config \(configPath)
          joorbridge run orders --config \(configPath)     (needs JOORBRIDGE_DEMO_TOKEN=demo-token and a running sandbox)
          joorbridge demo --workdir \(dir.path)     run again: nothing is delivered twice
        """)
        throw ExitCode(outcome.exitCode)
    }
}
