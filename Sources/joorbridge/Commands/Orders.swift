import ArgumentParser
import FileFormats
import Foundation
import JoorBridge
import JoorModels

/// `joorbridge orders`: the orders the bridge holds back, one order in full, delivering one on
/// demand, and adopting orders a previous integration already delivered.
struct Orders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look at held orders, deliver them on demand, adopt orders another integration delivered.",
        discussion: """
            An order is held, not lost, when nothing may deliver it yet: no customer code, no route takes \
            it, created before go_live. A held order is checked again whenever JOOR reports it changed, and \
            delivered as soon as nothing holds it. Rejected orders (their mapping fails) are retried on \
            every run.

            Examples:
              joorbridge orders list                    # held and rejected orders, with the reason
              joorbridge orders show 9100005            # one order: its state, reason and JOOR's data
              joorbridge orders deliver 9100005         # deliver it now, whatever held it
              joorbridge orders deliver 9100005 --route eu
              joorbridge orders adopt 8800101 8800102   # a previous integration delivered these
              joorbridge orders adopt --file already-in-wms.csv

            \(ExitStatus.helpText)
            """,
        subcommands: [List.self, Show.self, Deliver.self, Adopt.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List orders not delivered: held (with the reason) and rejected (retried every run).",
            discussion: """
                Reads the state store only; JOOR is not contacted.

                Examples:
                  joorbridge orders list
                  joorbridge orders list --held --json
                """)

        @OptionGroup var config: ConfigOption

        @Flag(help: "Only held orders.")
        var held = false

        @Flag(help: "Only rejected orders (their mapping fails; retried on every run).")
        var rejected = false

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() throws {
            let admin = OrdersAdmin(config: try config.load())
            let states: [DeliveryState] = held ? [.held] : rejected ? [.rejected] : [.held, .rejected]
            let orders = try admin.list(states)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Console.out(try encoder.encode(orders))
                Console.out("")
                return
            }
            if orders.isEmpty {
                Console.out("No \(states.map(\.rawValue).joined(separator: " or ")) order.")
                return
            }
            for order in orders {
                let details = [order.customerCode.map { "customer \($0)" }, order.warehouseCode.map { "warehouse \($0)" }].compactMap { $0 }.joined(
                    separator: ", ")
                Console.out(
                    "\(order.orderID)\(order.version > 0 ? " (amendment \(order.version))" : "")  \(order.state.rawValue) since \(order.receivedAt)\(details.isEmpty ? "" : "  [\(details)]")"
                )
                Console.out("    \(order.reason ?? "")")
            }
            Console.out("\(orders.count) order(s). Deliver one with: joorbridge orders deliver ORDER_ID")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one order: its state in the ledger, why it is held, and the data JOOR sent.",
            discussion: """
                Examples:
                  joorbridge orders show 9100005
                  joorbridge orders show 9100005 --json
                """)

        @Argument(help: ArgumentHelp("The JOOR order id.", valueName: "order-id"))
        var orderID: String

        @OptionGroup var config: ConfigOption

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() throws {
            let entries = try OrdersAdmin(config: try config.load()).show(orderID)
            guard !entries.isEmpty else {
                Console.error("error: order \(orderID) is not in the ledger: joorbridge has not received it from JOOR")
                throw ExitStatus.usage.exitCode
            }
            if json {
                let encoder = JSONEncoder.canonical(pretty: true)
                Console.out(try encoder.encode(entries.map(ShownOrder.init)))
                Console.out("")
                return
            }
            for entry in entries {
                Console.out(
                    "order \(entry.orderID)\(entry.version > 0 ? " amendment \(entry.version)" : ""): \(entry.state.rawValue)\(entry.origin == .adopted ? " (delivered by the previous integration, adopted)" : "")"
                )
                if let reason = entry.reason { Console.out("  why: \(reason)") }
                Console.out(
                    "  received \(entry.receivedAt)\(entry.deliveredAt.map { ", delivered \($0)" } ?? "")\(entry.attempts > 0 ? ", \(entry.attempts) attempt(s)" : "")"
                )
                if let route = entry.route { Console.out("  route: \(route) → \(entry.outbox ?? "")") }
                if !entry.files.isEmpty { Console.out("  files: \(entry.files.joined(separator: ", "))") }
                for key in entry.order.fields.keys.sorted() where !(entry.order.fields[key] ?? "").isEmpty {
                    Console.out("  \(key): \(entry.order.fields[key] ?? "")")
                }
                Console.out("  line items: \(entry.order.lineItems.count)")
            }
        }

        /// The JSON form of one ledger entry.
        struct ShownOrder: Encodable {
            var order_id: String, version: Int, state: String, origin: String, reason: String?, received_at: String, delivered_at: String?
            var route: String?, outbox: String?, files: [String], joor: JoorOrder
            init(_ entry: LedgerOrder) {
                order_id = entry.orderID
                version = entry.version
                state = entry.state.rawValue
                origin = entry.origin.rawValue
                reason = entry.reason
                received_at = entry.receivedAt
                delivered_at = entry.deliveredAt
                route = entry.route
                outbox = entry.outbox
                files = entry.files
                joor = entry.order
            }
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver held or rejected orders now, whatever held them.",
            usage: "joorbridge orders deliver <order-id> ... [--route <name>] [<options>]",
            discussion: """
                JOOR is asked first for changes to held orders (a fixed customer code, say); the order then goes \
                through the first route that takes it, or --route. An order already delivered is left alone: \
                delivering twice delivers nothing more. Takes the run lock (exit 75 while a run or watch holds \
                it).

                Examples:
                  joorbridge orders deliver 9100005
                  joorbridge orders deliver 9100005 9100007 --route eu
                """)

        @Argument(help: ArgumentHelp("JOOR order ids.", valueName: "order-id"))
        var orderIDs: [String]

        @Option(help: ArgumentHelp("Deliver through this route (orders.routes) instead of the first that takes each order.", valueName: "name"))
        var route: String?

        @OptionGroup var config: ConfigOption

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if orderIDs.isEmpty { throw ValidationError("Name at least one order id (see `joorbridge orders list`).") }
        }

        func run() async throws {
            let settings = try config.load()
            // What the command line names must exist (exit 64), as for `orders show`.
            let routes = settings.orders?.effectiveRoutes.map(\.name) ?? []
            if let route, !routes.contains(route) {
                Console.error("error: there is no route '\(route)'; the routes are \(routes.joined(separator: ", "))")
                throw ExitStatus.usage.exitCode
            }
            let admin = OrdersAdmin(config: settings)
            let unknown = try orderIDs.filter { try admin.show($0).isEmpty }
            if !unknown.isEmpty {
                for id in unknown {
                    Console.error(
                        "error: order \(id) is not in the ledger: joorbridge has not received it from JOOR (or it was delivered by another integration and not adopted)"
                    )
                }
                throw ExitStatus.usage.exitCode
            }
            let logger = logging.makeLogger(settings)
            var options = Bridge.Options()
            options.deliverOrders = (orderIDs, route)
            let outcome = await Bridge(config: settings, logger: logger).run(jobs: [.orders], options: options)
            throw await Console.conclude(outcome, config: settings, format: logging.format(settings), logger: logger)
        }
    }

    struct Adopt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record orders a previous integration already delivered to the WMS.",
            usage: "joorbridge orders adopt (<order-id> ... | --file <file>) [<options>]",
            discussion: """
                joorbridge then never delivers them itself (not even when a catch-up meets them), but does \
                deliver their later amendments (with deliver_amendments). No file is written and JOOR is not \
                contacted. Use it when switching from another integration: see docs/cut-over.md. A CSV file's \
                order ids are read from its order_id column (also "Order ID"), or its first column when there is \
                no such header. JOOR order ids are whole numbers: if any id is not one, nothing is adopted and \
                each bad id is named with its line (exit 64).

                Examples:
                  joorbridge orders adopt 8800101 8800102
                  joorbridge orders adopt --file exported-by-old-integration.csv
                """)

        @Argument(help: ArgumentHelp("JOOR order ids.", valueName: "order-id"))
        var orderIDs: [String] = []

        @Option(help: ArgumentHelp("A CSV file with the order ids (column order_id, else the first column).", valueName: "file"))
        var file: String?

        @OptionGroup var config: ConfigOption

        func validate() throws {
            if orderIDs.isEmpty && file == nil { throw ValidationError("Name order ids, or a CSV file with --file.") }
        }

        func run() throws {
            let admin = OrdersAdmin(config: try config.load())
            var ids: [(id: String, source: String)] = orderIDs.map { ($0.trimmingCharacters(in: .whitespaces), "argument") }
            if let file { ids += try Self.ids(from: file).map { ($0.id, "\(file):\($0.line)") } }
            // Adopting is never undone by a run: one id that is not JOOR's (a customer name from the
            // wrong column, Excel's 8800101.0) would be recorded as delivered, so nothing is.
            let bad = ids.filter { !($0.id.utf8.allSatisfy { (0x30...0x39).contains($0) } && Int($0.id) != nil) }
            if !bad.isEmpty {
                for (id, source) in bad.prefix(20) { Console.error("error: \(source): '\(id)' is not a JOOR order id (a whole number)") }
                if bad.count > 20 { Console.error("error: … and \(bad.count - 20) more") }
                Console.error("error: nothing adopted; correct the ids (or, with --file, name the column order_id) and run it again")
                throw ExitStatus.usage.exitCode
            }
            let adoption: Ledger.Adoption
            // As JOOR writes them: a WMS export's 0008800101 is JOOR's 8800101.
            do { adoption = try admin.adopt(ids.compactMap { Int($0.id).map(String.init) }) } catch let held as RunLock.Held {
                Console.error("error: \(held)")
                throw ExitStatus.locked.exitCode
            }
            Console.out(
                "\(adoption.adopted.count) order(s) adopted as delivered by the previous integration; \(adoption.alreadyDelivered.count) were already delivered."
            )
        }

        /// Order ids from a CSV file, with their lines: the `order_id` column (`Order ID`, `OrderID`
        /// too), else the first column, under a header or not; blank cells skipped.
        static func ids(from path: String) throws -> [(id: String, line: Int)] {
            var options = CSVReadOptions()
            options.hasHeader = false
            let reader = try CSVReader(path: path, options: options)
            var ids: [(id: String, line: Int)] = []
            var column = 0
            var first = true
            while let record = try reader.next() {
                let fields = record.fields
                if first {
                    first = false
                    func name(_ field: String) -> String { field.lowercased().filter { $0.isLetter } }
                    if let index = fields.firstIndex(where: { name($0) == "orderid" }) {
                        column = index
                        continue
                    }
                    if let value = fields.first, Int(value.trimmingCharacters(in: .whitespaces)) == nil { continue }  // some other header
                }
                if column < fields.count {
                    let id = fields[column].trimmingCharacters(in: .whitespaces)
                    if !id.isEmpty { ids.append((id, record.line)) }
                }
            }
            return ids
        }
    }
}
