import ArgumentParser
import Foundation
import JoorSandbox

/// `joorbridge sandbox`: a local JOOR stand-in for trying joorbridge without a JOOR account.
struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local JOOR sandbox on 127.0.0.1 (orders, inventory, styles, with fault injection).",
        usage: "joorbridge sandbox [--port <port>] [--data <dir>] [<options>]",
        discussion: """
            Serves JOOR's v2 API: GET /v2/orders (also /v2/order, with or without a trailing slash), POST \
            /v2/bulk-inventory, POST /v2/bulk-style and GET /v2/bulk-style/{id}, with JOOR's semantics: \
            token check, export flags and sync pulls, paging, the credit rate limit and per-item validation. \
            Orders come as JSON, or in JOOR's XML form to a client that sends Accept: application/xml. \
            State is kept in --data, so a restart remembers what was exported.

            Read-back and control, for tests and people:
              GET  /sandbox/status            counts and requests served
              GET  /sandbox/orders            orders with their export flags (and why an export failed)
              GET  /sandbox/inventory         stock per SKU and warehouse
              GET  /sandbox/styles            the account's styles
              POST /sandbox/faults            {"fail_next": 3, "status": 503} · {"cut_next": 1} ·
                                              {"malformed_next": 1} · {"latency_ms": 2000} · "path_prefix"
              POST /sandbox/faults            {"process_then_fail_next": 1, "status": 503}: carried out, then 503
              POST /sandbox/orders/{id}/modify   change an order as a JOOR user would: a JSON object of
                                              fields ({"customer_code": "HLB001"}); flags it modified
              POST /sandbox/orders/{id}/cancel   cancel an order (flags it modified)

            Where JOOR's documentation leaves a choice open, the sandbox answers as the reference notes say \
            JOOR does: next_start = start + count during a sync pull, no per-style errors in a bulk style \
            job's status, DUPLICATED errors from v4, only 429 for rate limits. --answers legacy gives the \
            first sandbox's answers (next_start unchanged, per-style errors, a "duplicate" message), so a \
            client can be tried against both readings.

            --require-export-field customer_code makes the sandbox check orders as JOOR does when its \
            integration manager makes fields mandatory: a sync pull (check=1 by default) leaves out the \
            orders lacking one and flags them Failed, until they are changed to have it.

            Point joorbridge at it with base_url: http://127.0.0.1:PORT and the same token.

            Examples:
              joorbridge sandbox --port 8080 --data ./sandbox-data --seed-orders 200
              joorbridge sandbox --require-export-field customer_code --require-export-field warehouse_code
              joorbridge sandbox --style-refusal http-status
              curl -s http://127.0.0.1:8080/sandbox/status

            \(ExitStatus.helpText)
            """)

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8080

    @Option(help: ArgumentHelp("Folder for the sandbox's state (kept across restarts).", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("The API token clients must send.", valueName: "token"))
    var token: String = "sandbox-token"

    @Option(help: "Generate this many realistic orders when the data folder is new.")
    var seedOrders: Int = 25

    @Option(help: "Rate limit: credits per window (GET 1, write 5).")
    var creditLimit: Int = 300

    @Option(help: "Rate limit window in seconds.")
    var creditWindow: Double = 300

    enum AnswerMode: String, ExpressibleByArgument, CaseIterable { case joor, legacy }

    @Option(help: "How to answer where JOOR's docs are unconfirmed: joor (the reference notes' reading) or legacy.")
    var answers: AnswerMode = .joor

    @Option(
        help: ArgumentHelp(
            "An order field JOOR's integration manager made mandatory for export (repeatable): sync pulls leave out orders lacking it and flag them Failed.",
            valueName: "field"))
    var requireExportField: [String] = []

    @Option(
        help: ArgumentHelp(
            "How a bulk-style call with a style JOOR cannot take is answered: in-job (taken, the style left out of the job's progress), http-status (400 for the whole call) or response-code (200 with response.code 1).",
            valueName: "answer"))
    var styleRefusal: Answers.StyleRefusal = .inJob

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard seedOrders >= 0 else { throw ValidationError("--seed-orders cannot be negative.") }
        guard creditLimit > 0, creditWindow > 0 else { throw ValidationError("--credit-limit and --credit-window must be positive.") }
        let mandatable = SandboxState.mandatableExportFields
        if let unknown = requireExportField.first(where: { !mandatable.contains($0) }) {
            throw ValidationError(
                "JOOR cannot make '\(unknown)' mandatory; --require-export-field takes: \(mandatable.sorted().joined(separator: ", "))")
        }
    }

    func run() async throws {
        var config = SandboxConfiguration()
        config.port = port
        config.dataDirectory = data
        config.token = token
        config.seedOrders = seedOrders
        config.creditLimit = creditLimit
        config.creditWindowSeconds = creditWindow
        if answers == .legacy { config.answers = .legacy }
        config.answers.styleRefusal = styleRefusal
        config.requiredExportFields = Set(requireExportField)
        let server = try await JoorSandboxServer(configuration: config)
        let bound = try await server.start()
        Console.error("JOOR sandbox listening on http://127.0.0.1:\(bound)" + (data.map { " (state in \($0))" } ?? " (state in memory)"))
        Console.error("Send the token given with --token\(token == "sandbox-token" ? " (default: sandbox-token)" : ""). Stop with Ctrl-C.")
        try await server.runUntilCancelled()
    }
}

extension Answers.StyleRefusal: ExpressibleByArgument {}
