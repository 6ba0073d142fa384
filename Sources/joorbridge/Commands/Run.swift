import ArgumentParser
import Foundation
import JoorAPI
import JoorBridge
import Logging
import Mapping

/// `joorbridge run`: one pass of the jobs, then exit (for cron and systemd timers).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the jobs once: download orders to the outbox, push inventory and products.",
        usage: "joorbridge run [orders|inventory|products ...] [<options>]",
        discussion: """
            With no job named, runs every job enabled in the config. One run at a time per config:
            a second run exits 75 at once.

            Examples:
              joorbridge run                              # every enabled job
              joorbridge run orders --config /etc/joorbridge/joorbridge.yml
              joorbridge run --dry-run                    # what every job would send or write; change nothing
              joorbridge run inventory --dry-run          # the exact bulk-inventory bodies, batch by batch
              joorbridge run orders --shadow /tmp/shadow  # files a run would deliver, into a folder (cut-over)
              joorbridge run orders --since 2025-06-01    # also re-read orders exported since then
              joorbridge run inventory --full             # resend every SKU, changed or not
              joorbridge run --report /var/log/joorbridge/last-run.json

            \(ExitStatus.helpText)
            """)

    @OptionGroup var common: JobOptions

    @Flag(
        help: ArgumentHelp(
            "Show what would happen without changing JOOR, the ledger or any folder.",
            discussion:
                "Requests JOOR would receive and files the WMS would get go to standard output; what would happen to each file goes to standard error. Takes no lock: it can run beside watch."
        ))
    var dryRun = false

    @Flag(help: "Inventory and products: send everything, not only what changed since the last successful push.")
    var full = false

    @Option(help: ArgumentHelp("Also re-read orders exported since this date (YYYY-MM-DD) and deliver those not yet delivered.", valueName: "date"))
    var since: String?

    @Option(
        help: ArgumentHelp(
            "Orders only: pull read-only and write the files a run would deliver into this folder, for comparing with another integration's output.",
            discussion:
                "Nothing is marked exported in JOOR and nothing enters the ledger (a dry run whose files go to a folder). With orders.routes, each route's files go into a subfolder named after it.",
            valueName: "dir"))
    var shadow: String?

    @Option(help: ArgumentHelp("Write the run summary as JSON to this file.", valueName: "file"))
    var report: String?

    func run() async throws {
        var sinceDate: Date?
        if let since {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            guard let date = formatter.date(from: since) else { throw ValidationError("--since must be a date like 2025-06-01") }
            sinceDate = date
        }
        let start = try common.start()
        var printer: DryRunPrinter? = dryRun ? Console.printDryRun : nil
        if let shadow {
            guard common.jobs == [.orders] else { throw ValidationError("--shadow is for the orders job: joorbridge run orders --shadow DIR") }
            printer = try Console.shadowPrinter(into: shadow)
        }
        let options = Bridge.Options(dryRun: printer, since: sinceDate, full: full, control: start.control)
        let outcome = await Bridge(config: start.settings, logger: start.logger).run(jobs: common.jobs, options: options)
        throw await Console.conclude(outcome, config: start.settings, format: start.format, logger: start.logger, report: report)
    }
}
