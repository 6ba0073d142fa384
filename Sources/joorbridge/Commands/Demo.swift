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
            Starts a JOOR sandbox on a free loopback port with realistic orders, writes a config and the \
            mappings into a work folder (a new temporary one unless --workdir is given), drops a stock \
            export and a product export into its inbox, runs the order download, the inventory sync and the \
            product sync once, and shows what happened: the WMS files in the outbox, the archived inbox \
            files, and what the sandbox now holds. Needs no JOOR account and no network. Run it again with \
            the same --workdir to see that nothing is sent twice.

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
        let dir =
            workdir.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? fm.temporaryDirectory.appendingPathComponent("joorbridge-demo-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: dir.appendingPathComponent("mappings"), withIntermediateDirectories: true)
        for (name, text) in ShippedMappings.files {
            let target = dir.appendingPathComponent("mappings/\(name)")
            if !fm.fileExists(atPath: target.path) { try text.write(to: target, atomically: true, encoding: .utf8) }
        }
        let inbox = dir.appendingPathComponent("inbox")
        try fm.createDirectory(at: inbox, withIntermediateDirectories: true)
        let isNew = !fm.fileExists(atPath: dir.appendingPathComponent("state").path)
        if isNew {
            try DemoInputs.stock.write(to: inbox.appendingPathComponent("stock_demo.csv"), atomically: true, encoding: .utf8)
            try DemoInputs.products.write(to: inbox.appendingPathComponent("products_demo.csv"), atomically: true, encoding: .utf8)
        }
        var sandboxConfig = SandboxConfiguration()
        sandboxConfig.port = 0
        sandboxConfig.seedOrders = orders
        sandboxConfig.dataDirectory = dir.appendingPathComponent("sandbox").path
        sandboxConfig.token = "demo-token"
        sandboxConfig.jobPollsToFinish = 1
        let sandbox = try await JoorSandboxServer(configuration: sandboxConfig)
        try await sandbox.start()
        defer { Task { await sandbox.stop() } }

        let configPath = dir.appendingPathComponent("joorbridge.yml").path
        try """
        # yaml-language-server: $schema=\(ConfigSchema.installedPath)
        # Written by `joorbridge demo`. JOOR here is the built-in sandbox; for a real account set
        # base_url away (or test_mode: true for JOOR's own sandbox) and put the token in JOOR_API_TOKEN.
        version: 1
        joor:
          token_env: JOORBRIDGE_DEMO_TOKEN
          base_url: \(sandbox.baseURL)
        folders:
          inbox: ./inbox
          outbox: ./outbox
        state: ./state/joorbridge.sqlite
        orders:
          mapping: mappings/orders-csv-lines.yml
          customers_mapping: mappings/customers-csv.yml
          order_status: approved
          skip_empty_customer_code: true
        inventory:
          mapping: mappings/inventory-csv.yml
          include: ["stock_*.csv"]
          settle_seconds: 0     # the demo's files are complete; keep the default 10 s for real uploads
        products:
          mapping: mappings/products-csv.yml
          include: ["products_*.csv"]
          settle_seconds: 0

        """.write(toFile: configPath, atomically: true, encoding: .utf8)

        Console.error("JOOR sandbox: \(sandbox.baseURL) with \(await sandbox.state.allOrders().count) orders")
        Console.error("work folder:  \(dir.path)\n")
        let config = try BridgeConfig.load(path: configPath, environment: [:])
        let outcome = await Bridge(config: config, logger: Logging.make(level: .warning), environment: ["JOORBRIDGE_DEMO_TOKEN": "demo-token"]).run(
            jobs: [])
        var summed = outcome
        summed.exitCode = ExitStatus(outcome.status).rawValue
        Console.error(summed.summaryText)

        let outbox = dir.appendingPathComponent("outbox")
        let files = ((try? fm.contentsOfDirectory(atPath: outbox.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let states = await sandbox.state.allOrders()
        let stock = await sandbox.state.allStock()
        let styles = await sandbox.state.allStyles()
        let archived = ((try? fm.subpathsOfDirectory(atPath: dir.appendingPathComponent("archive").path)) ?? []).filter { $0.hasSuffix(".csv") }
        Console.out(
            """

            What happened
              JOOR (sandbox) had \(states.count) orders; \(states.filter { $0.status == .approved }.count) approved, \(states.filter(\.exported).count) now marked exported.
              The outbox holds \(files.filter { $0.hasPrefix("ORD_") }.count) order files and \(files.filter { $0.hasPrefix("CUST_") }.count) customer files, ready for the WMS.
              Approved orders without a customer code were skipped, as configured.
              Inventory: JOOR now holds \(stock.count) stock positions from stock_demo.csv (available = on hand - reserved).
              Products: JOOR now has \(styles.count) styles, RJ-5005 and TB-2003 among them from products_demo.csv.
              Inbox files archived: \(archived.joined(separator: ", ")).
            """)
        if let first = files.first(where: { $0.hasPrefix("ORD_") }),
            let text = try? String(contentsOf: outbox.appendingPathComponent(first), encoding: .utf8)
        {
            Console.out("\n\(first):")
            for line in text.split(whereSeparator: \.isNewline).prefix(4) { Console.out("  " + line) }
        }
        Console.out(
            """

            Where to look
              \(outbox.path)/                 the WMS import files
              \(dir.appendingPathComponent("archive").path)/                inbox files after they were sent
              \(configPath)          the config (edit, then run again)
              joorbridge status --config \(configPath)
              joorbridge demo --workdir \(dir.path)     run again: nothing is delivered twice

            To run the jobs yourself against a sandbox that stays up (the demo's is gone now):
              joorbridge sandbox --token demo-token      (in another terminal; it listens on 127.0.0.1:8080)
              set joor.base_url: http://127.0.0.1:8080 in \(configPath), then
              JOORBRIDGE_DEMO_TOKEN=demo-token joorbridge run --config \(configPath)
            """)
        throw ExitStatus(outcome.status).exitCode
    }
}
