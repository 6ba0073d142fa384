import FileFormats
import Foundation
import JoorAPI
import JoorModels
import Logging
import Mapping

/// Order download: every JOOR order reaches the outbox of its route exactly once, with its
/// customer file — or is held in the ledger with the reason, never marked exported and lost.
/// The design and every crash point are in `docs/exactly-once.md`.
public struct OrdersJob: Sendable {
    public struct Options: Sendable {
        /// Show what would be delivered without pulling with sync=1, writing or touching the ledger:
        /// the files go to this printer. `nil` for a real run.
        public var dryRun: DryRunPrinter?
        /// Re-read orders exported since this date (sync=0) and deliver those the ledger lacks.
        public var since: Date?
        public init(dryRun: DryRunPrinter? = nil, since: Date? = nil) {
            self.dryRun = dryRun
            self.since = since
        }
    }

    /// What a run did, for the run summary and `--report`.
    public struct Report: Sendable, Codable, Equatable, JournalCounts {
        /// Pages of orders read from JOOR, orders the synchronising pull returned, and orders new
        /// to the ledger.
        public var pages = 0, pulled = 0, received = 0
        /// Orders held back (no customer code, no route, before go-live…), kept in the ledger.
        public var held = 0
        /// Held orders JOOR changed so that nothing holds them any more (delivered in this run).
        public var released = 0
        /// Orders JOOR sent again that were delivered already, and delivered orders JOOR changed
        /// (journaled as amendments when `deliver_amendments` is on).
        public var duplicates = 0, amendments = 0
        /// Orders delivered; orders a killed run had written, published now; orders a catch-up
        /// found (``catchUp``: whether one ran).
        public var delivered = 0, recovered = 0, caughtUp = 0
        public var catchUp = false
        /// Delivered orders JOOR cancelled, found in this run (their files are written in it).
        public var cancellations = 0
        public var cancellationsDelivered = 0
        /// Orders JOOR cancelled before they were delivered: now never delivered.
        public var cancelledBeforeDelivery = 0
        /// Orders that cannot be mapped now (retried next run), with the reason.
        public var rejected: [String: String] = [:]
        /// Orders JOOR's export check flags "Failed" (a field its integration manager made
        /// mandatory is empty): waiting for export, but left out of the synchronising pull. Not
        /// exported; a later pull brings them once they are fixed in JOOR.
        public var withheldByJoor: [String] = []
        public var files: [String] = []
    }

    public let settings: OrdersSettings
    let client: JoorClient
    let ledger: Ledger
    /// Where orders go, in the order they are tried.
    let routes: [OrderRoute]
    let logger: Logger

    static let runningKey = "orders.running_since"
    static let cleanStartKey = "orders.last_clean_start"
    static let firstRunKey = "orders.first_run"
    static let modifiedCheckedKey = "orders.modified_checked"
    /// How far before a run's start a catch-up also looks, for clocks that disagree a little.
    static let clockMargin: TimeInterval = 600

    /// - Parameters:
    ///   - outboxDirectory: `folders.outbox`, for routes that name no outbox of their own.
    ///   - uploadsOutbox: `folders.outbox` is a staging folder for an SFTP outbox, whose uploader
    ///     writes the done markers on the server (none are written locally there).
    public init(
        settings: OrdersSettings, client: JoorClient, ledger: Ledger, outboxDirectory: String, uploadsOutbox: Bool = false, logger: Logger
    ) throws {
        self.settings = settings
        self.client = client
        self.ledger = ledger
        self.logger = logger
        routes = try OrderRoute.build(settings, outboxDirectory: outboxDirectory, uploadsOutbox: uploadsOutbox)
    }

    static func outbound(_ path: String, expecting kind: MappingKind) throws(ConfigError) -> OutboundMapping {
        let file = try MappingFile.load(configured: path)
        guard case .outbound(let mapping) = file.body, file.kind == kind else {
            throw .wrongMappingKind(mapping: path, found: file.kind, needed: kind, job: .orders)
        }
        return mapping
    }

    // MARK: Run

    public func run(_ options: Options = .init(), runID: String) async throws -> Report {
        if let printer = options.dryRun { return try await preview(runID: runID, print: printer) }
        var report = Report()
        let started = Date()
        // 1. Finish what an earlier run left half-done, before asking JOOR for anything.
        try recoverWriting(&report)
        try deliverPending(runID: runID, &report)
        // 2. A run that did not end cleanly may have lost orders JOOR already marked exported.
        //    The earliest unfinished start is kept until a run ends cleanly.
        let unfinishedSince = try ledger.value(Self.runningKey).flatMap(JoorDates.parse)
        if try ledger.value(Self.firstRunKey) == nil { try ledger.set(Self.firstRunKey, Ledger.timestamp(started)) }
        if unfinishedSince == nil { try ledger.set(Self.runningKey, Ledger.timestamp(started)) }
        if unfinishedSince != nil || options.since != nil {
            try await catchUp(unfinishedSince: unfinishedSince, since: options.since, &report)
        }
        // 3. Look before pulling: what the synchronising pull is about to mark exported.
        let waiting = try await lookAhead(&report)
        // 4. The synchronising pull: each page is journaled before the next is asked for.
        let handedOver = try await pull(unfinishedSince: unfinishedSince ?? started, &report)
        try await noteWithheld(waiting.subtracting(handedOver), &report)
        // 5. Held, rejected and cancelled orders JOOR changed since: checked again with JOOR's new data;
        //    orders JOOR cancelled: a cancellation for the delivered, never a delivery for the rest.
        if try ledger.undeliveredCount() > 0 || ledger.firstDeliveredCancellation() != nil {
            try await refreshUndelivered(startedAt: started, &report)
        }
        try await findCancellations(startedAt: started, &report)
        // 6. Render from the journal and deliver.
        try deliverPending(runID: runID, &report)
        try ledger.clearExpected()
        try ledger.set(Self.runningKey, nil)
        try ledger.set(Self.cleanStartKey, Ledger.timestamp(started))
        return report
    }

    /// The modified-date window of every pull: from `go_live` (orders changed in JOOR before it
    /// are never asked for, so never marked exported), or none.
    var goLiveWindow: (start: Date, end: Date)? {
        settings.goLive.map { ($0, max($0, Date()).addingTimeInterval(3600)) }
    }

    /// The synchronising pull's filters (status, go-live window, page size) with this export
    /// status: the pull itself, and the read-only looks that must see what it sees.
    func pullQuery(exportStatus: Int?, sync: Bool) -> OrdersQuery {
        let window = goLiveWindow
        return OrdersQuery(
            orderType: settings.status.orderType, exportStatus: exportStatus, sync: sync, dateStart: window?.start, dateEnd: window?.end,
            count: settings.pageSize)
    }

    /// The synchronising pull, from the start each time (JOOR marks each page exported as it
    /// answers, whatever `next_start` then means). An answer that may have been lost (JOOR may
    /// have marked the page exported) is found by a catch-up before the pull goes on.
    /// - Returns: the ids of the orders JOOR handed over (in the pull, or found by its catch-ups).
    private func pull(unfinishedSince: Date, _ report: inout Report) async throws -> Set<String> {
        let query = pullQuery(exportStatus: settings.deliverAmendments ? 5 : nil, sync: true)
        var recoveries = 0
        var handedOver: Set<String> = []
        while true {
            do {
                report.pages += try await client.orders(query) { page in
                    report.pulled += page.orders.count
                    handedOver.formUnion(page.orders.map(\.id))
                    CrashPoint.hit("page received, not journaled")
                    report.add(try ledger.journal(page.orders, amendments: settings.deliverAmendments, holdReason: holdReason))
                    CrashPoint.hit("page journaled")
                }
                break
            } catch {
                // Answered with something other than a page (a timeout, a cut connection, a 5xx):
                // JOOR may have marked that page exported. Find it with a read-only catch-up (safe
                // to retry) before pulling on; if JOOR is down, the run fails and the next one
                // catches up (the run stays marked unfinished).
                guard let failure = error as? JoorAPIError, failure.mayHaveBeenProcessed, recoveries < 3 else { throw error }
                recoveries += 1
                logger.warning("a page of orders may have been marked exported without reaching joorbridge (\(failure)); catching up before going on")
                handedOver.formUnion(try await catchUp(unfinishedSince: unfinishedSince, since: nil, &report))
            }
        }
        return handedOver
    }

    /// Of the orders the look ahead saw waiting that the synchronising pull did not hand over,
    /// those JOOR flags "Failed" (its export check: a mandatory field is empty): still listed as
    /// not exported (`export_status` 2) but not among those "not exported, failed excluded" (6).
    /// The others were not reached (the pull ends at a page JOOR calls the last; they come next
    /// run) or changed in between. Those flagged are named: nothing reaches the WMS until someone
    /// fixes them in JOOR.
    private func noteWithheld(_ notHandedOver: Set<String>, _ report: inout Report) async throws {
        guard !notHandedOver.isEmpty else { return }
        func listed(exportStatus: Int) async throws -> Set<String> {
            var found: Set<String> = []
            report.pages += try await client.orders(pullQuery(exportStatus: exportStatus, sync: false)) { page in
                found.formUnion(page.orders.map(\.id).filter(notHandedOver.contains))
            }
            return found
        }
        let failed = try await listed(exportStatus: 2).subtracting(try await listed(exportStatus: 6))
        report.withheldByJoor = failed.sorted()
        guard !failed.isEmpty else { return }
        logger.warning(
            "JOOR flags \(failed.count) order(s) Failed and does not hand them over: a field its integration manager made mandatory is empty (the order's export status in JOOR says which)",
            metadata: ["orders": "\(report.withheldByJoor.joined(separator: ", "))"])
    }

    // MARK: Routes and holds

    /// Why an order is held back, or `nil` to deliver it.
    func holdReason(_ order: JoorOrder) -> String? {
        if settings.skipEmptyCustomerCode && order.customerCode == nil { return "no customer code (orders.skip_empty_customer_code)" }
        if let code = settings.warehouseCode, order.warehouseCode != code {
            return "warehouse \(order.warehouseCode ?? "(none)") is not \(code) (orders.warehouse_code)"
        }
        if let goLive = settings.goLive, let created = order.dateCreated.flatMap(JoorDates.parse), created < goLive {
            return "created before the go-live date (orders.go_live)"
        }
        if route(for: order) == nil { return noRouteReason(order) }
        return nil
    }

    /// The first route that takes the order.
    func route(for order: JoorOrder) -> OrderRoute? {
        routes.first { $0.takes(order) }
    }

    func noRouteReason(_ order: JoorOrder) -> String {
        "no route takes it (warehouse \(order.warehouseCode ?? "(none)"); routes: \(routes.map(\.name).joined(separator: ", ")))"
    }
}
