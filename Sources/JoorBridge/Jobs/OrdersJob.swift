import FileFormats
import Foundation
import JoorAPI
import JoorModels
import Logging
import Mapping

/// Order download: every JOOR order that passes the filters reaches the outbox exactly once,
/// with its customer file. The design and every crash point are in `docs/exactly-once.md`.
public struct OrdersJob: Sendable {
    public struct Options: Sendable {
        /// Show what would be delivered without pulling with sync=1, writing or touching the ledger:
        /// the files go to this printer. `nil` for a real run.
        public var dryRun: DryRunPrinter?
        /// Re-read orders modified since this date (sync=0) and deliver those the ledger lacks.
        public var since: Date?
        public init(dryRun: DryRunPrinter? = nil, since: Date? = nil) {
            self.dryRun = dryRun
            self.since = since
        }
    }

    /// What a run did, for the run summary and `--report`.
    public struct Report: Sendable, Codable, Equatable {
        public var pages = 0
        public var pulled = 0
        public var received = 0
        public var skipped = 0
        public var duplicates = 0
        public var amendments = 0
        public var delivered = 0
        public var recovered = 0
        public var caughtUp = 0
        public var catchUp = false
        /// Orders that cannot be mapped now (retried next run), with the reason.
        public var rejected: [String: String] = [:]
        public var files: [String] = []
    }

    public let settings: OrdersSettings
    let client: JoorClient
    let ledger: Ledger
    let outbox: Outbox
    let orders: OutboundMapping
    let customers: OutboundMapping?
    let logger: Logger

    static let runningKey = "orders.running_since"
    static let cleanStartKey = "orders.last_clean_start"

    public init(settings: OrdersSettings, client: JoorClient, ledger: Ledger, outboxDirectory: String, logger: Logger) throws {
        self.settings = settings
        self.client = client
        self.ledger = ledger
        self.logger = logger
        outbox = try Outbox(directory: outboxDirectory, tempPattern: settings.tempName, doneMarker: settings.doneMarker)
        orders = try Self.outbound(settings.mapping, expecting: .orders)
        customers = try settings.customersMapping.map { try Self.outbound($0, expecting: .customers) }
    }

    static func outbound(_ path: String, expecting kind: MappingKind) throws -> OutboundMapping {
        let file = try MappingFile.load(path: path)
        guard case .outbound(let mapping) = file.body, file.kind == kind else {
            throw MappingErrors([MappingError(path: path, message: "this is a \(file.kind.rawValue) mapping; the orders job needs a \(kind.rawValue) mapping here")])
        }
        return mapping
    }

    // MARK: Run

    public func run(_ options: Options = .init(), runID: String) async throws -> Report {
        var report = Report()
        if let printer = options.dryRun { return try await dryRun(runID: runID, print: printer) }
        let started = Date()
        // 1. Finish what an earlier run left half-done, before asking JOOR for anything.
        try recoverWriting(&report)
        try deliverPending(runID: runID, &report)
        // 2. A run that did not end cleanly may have lost orders JOOR already marked exported.
        let crashed = try ledger.value(Self.runningKey) != nil
        try ledger.set(Self.runningKey, Ledger.timestamp(started))
        if crashed || options.since != nil {
            report.catchUp = true
            try await catchUp(since: options.since ?? catchUpStart(), &report)
        }
        // 3. The synchronising pull: each page is journaled before the next is asked for.
        let query = OrdersQuery(orderType: settings.status.orderType, exportStatus: settings.deliverAmendments ? 5 : nil, sync: true, count: settings.pageSize)
        var outcome = Ledger.JournalOutcome()
        var recoveries = 0
        while true {
            do {
                report.pages += try await client.orders(query) { page in
                    report.pulled += page.orders.count
                    CrashPoint.hit("page received, not journaled")
                    let result = try ledger.journal(page.orders, amendments: settings.deliverAmendments, skipReason: skipReason)
                    CrashPoint.hit("page journaled")
                    outcome.received += result.received
                    outcome.skipped += result.skipped
                    outcome.duplicates += result.duplicates
                    outcome.amendments += result.amendments
                }
                break
            } catch {
                // The answer to a sync pull was lost: JOOR may have marked that page exported.
                // Find it with a sync=0 read (safe to retry) before pulling on; if JOOR is down,
                // the run fails and the next one catches up (the run stays marked unfinished).
                guard let failure = error as? JoorAPIError, failure.mayHaveBeenProcessed, recoveries < 3 else { throw error }
                recoveries += 1
                logger.warning("a page of orders may have been marked exported without reaching joorbridge (\(failure)); catching up before going on")
                report.catchUp = true
                try await catchUp(since: catchUpStart(), &report)
            }
        }
        report.received += outcome.received
        report.skipped += outcome.skipped
        report.duplicates += outcome.duplicates
        report.amendments += outcome.amendments
        // 4. Render from the journal and deliver.
        try deliverPending(runID: runID, &report)
        try ledger.set(Self.runningKey, nil)
        try ledger.set(Self.cleanStartKey, Ledger.timestamp(started))
        return report
    }

    /// Why an order is left out, or `nil` to deliver it.
    func skipReason(_ order: JoorOrder) -> String? {
        if settings.skipEmptyCustomerCode && order.customerCode == nil { return "no customer code" }
        if let code = settings.warehouseCode, order.warehouseCode != code { return "warehouse \(order.warehouseCode ?? "(none)") is not \(code)" }
        if let goLive = settings.goLive, let created = order.dateCreated.flatMap(Self.parseDate), created < goLive {
            return "created before the go-live date"
        }
        return nil
    }

    static func parseDate(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ISO8601DateFormatter().date(from: text) ?? full.date(from: text)
    }

    /// JOOR filters by modification date, and an order may be exported long after its last
    /// change, so the catch-up looks back a fixed span (`catch_up_days`), not to the last run.
    private func catchUpStart() throws -> Date {
        let floor = Date().addingTimeInterval(-Double(settings.catchUpDays) * 86_400)
        return max(floor, settings.goLive ?? floor)
    }

    /// Reads already-exported orders modified since `since` (sync=0: changes nothing in JOOR)
    /// and journals those the ledger has never seen.
    private func catchUp(since: Date, _ report: inout Report) async throws {
        logger.notice("catching up on orders JOOR exported since \(Ledger.timestamp(since))")
        let query = OrdersQuery(orderType: settings.status.orderType, exportStatus: 3, sync: false, dateStart: since, dateEnd: Date().addingTimeInterval(3600), count: settings.pageSize)
        var found = 0
        report.pages += try await client.orders(query) { page in
            let unknown = try page.orders.filter { try !ledger.knows($0.id) }
            found += try ledger.journal(unknown, amendments: false, skipReason: skipReason).received
        }
        report.caughtUp = found
        report.received += found
        if found > 0 { logger.warning("catch-up found \(found) order(s) JOOR had exported but the ledger lacked; delivering them") }
    }

    // MARK: Delivery

    /// Finishes deliveries whose temporary files were durable and recorded: renames what is left.
    private func recoverWriting(_ report: inout Report) throws {
        let writing = try ledger.orders(in: [.writing])
        for entry in writing {
            for (temp, name) in zip(entry.temps, entry.files) {
                try outbox.publish(temp: temp, as: name)
                CrashPoint.hit("recovery published a file")
            }
            try ledger.markDelivered([(entry.orderID, entry.version)])
            report.recovered += 1
            report.delivered += 1
            report.files += entry.files
        }
        // Temporaries no ledger entry names were written before a crash; their orders are still
        // `received` and are rendered again.
        let referenced = Set(writing.flatMap(\.temps))
        for temp in outbox.leftoverTemporaries() where !referenced.contains(temp) {
            try? FileManager.default.removeItem(atPath: outbox.path(temp))
        }
    }

    /// Renders every received (and previously rejected) order from the journal and delivers it.
    private func deliverPending(runID: String, _ report: inout Report) throws {
        let pending = try ledger.orders(in: [.received, .rejected])
        guard !pending.isEmpty else { return }
        let context = RenderContext(runID: runID)
        let perRun = orders.per == .run || customers?.per == .run
        var batch: [(entry: LedgerOrder, order: JoorOrder, files: [PlannedFile])] = []
        for entry in pending {
            let order = Self.withAmendmentFields(entry)
            switch plan(order, version: entry.version, context: context) {
            case .failure(let rejection):
                try ledger.markRejected(entry.orderID, version: entry.version, reason: rejection.description)
                report.rejected[entry.orderID] = rejection.description
                logger.warning("order \(entry.orderID) not delivered: \(rejection.description)")
            case .success(let files):
                report.rejected[entry.orderID] = nil
                if perRun { batch.append((entry, order, files)) } else { try commit([(entry, files)], context: context, &report) }
            }
        }
        if perRun, !batch.isEmpty { try commit(batch.map { ($0.entry, $0.files) }, context: context, &report) }
    }

    /// One output file of an order: which mapping, which part, and the rendered content.
    struct PlannedFile {
        var renderer: OrderRenderer
        var part: OrderFileWriter.Part
        var rendered: RenderedOrder
        var name: String
        var perRun: Bool
    }

    private func plan(_ order: JoorOrder, version: Int, context: RenderContext) -> Result<[PlannedFile], OrderRejection> {
        var files: [PlannedFile] = []
        var problems: [RowRejection] = []
        for mapping in [orders, customers].compactMap({ $0 }) {
            let renderer = OrderRenderer(mapping: mapping, context: context)
            switch renderer.render(order) {
            case .failure(let rejection): problems += rejection.problems
            case .success(let rendered):
                let perRun = mapping.per == .run
                let name = Self.amended(renderer.fileName(for: perRun ? nil : order), version: perRun ? 0 : version)
                files.append(PlannedFile(renderer: renderer, part: .main, rendered: rendered, name: name, perRun: perRun))
                if let detail = renderer.detailFileName(for: perRun ? nil : order) {
                    files.append(PlannedFile(renderer: renderer, part: .detail, rendered: rendered, name: Self.amended(detail, version: perRun ? 0 : version), perRun: perRun))
                }
            }
        }
        return problems.isEmpty ? .success(files) : .failure(OrderRejection(orderID: order.id, problems: problems))
    }

    /// Writes the files of one order (or of the whole run) under temporary names, records them,
    /// publishes them, and marks the orders delivered.
    private func commit(_ entries: [(entry: LedgerOrder, files: [PlannedFile])], context: RenderContext, _ report: inout Report) throws {
        // Group the planned files by final name: a per-run file collects many orders.
        var groups: [(name: String, planned: PlannedFile, orders: [RenderedOrder])] = []
        var namesByEntry: [[String]] = []
        var taken: Set<String> = []
        var perRunNames: [String: String] = [:]
        for (_, files) in entries {
            var names: [String] = []
            for file in files {
                let key = "\(file.renderer.mapping.path)|\(file.part)"
                if file.perRun, let existing = perRunNames[key], let index = groups.firstIndex(where: { $0.name == existing }) {
                    groups[index].orders.append(file.rendered)
                    names.append(existing)
                    continue
                }
                let name = outbox.freeName(file.name, taken: taken)
                taken.insert(name)
                if file.perRun { perRunNames[key] = name }
                groups.append((name, file, [file.rendered]))
                names.append(name)
            }
            namesByEntry.append(names)
        }
        var temps: [String: String] = [:]
        for group in groups {
            temps[group.name] = try outbox.writeTemporary(for: group.name) { sink in
                let writer = try OrderFileWriter(renderer: group.planned.renderer, sink: sink, part: group.planned.part)
                for order in group.orders { try writer.write(order) }
                CrashPoint.hit("temporary half written")
                try writer.finish()
            }
            CrashPoint.hit("temporary written")
        }
        for ((entry, _), names) in zip(entries, namesByEntry) {
            try ledger.markWriting([(entry.orderID, entry.version)], files: names, temps: names.map { temps[$0]! })
        }
        CrashPoint.hit("writing recorded")
        for group in groups {
            try outbox.publish(temp: temps[group.name]!, as: group.name)
            CrashPoint.hit("file published")
        }
        try ledger.markDelivered(entries.map { ($0.entry.orderID, $0.entry.version) })
        CrashPoint.hit("delivered recorded")
        report.delivered += entries.count
        report.files += groups.map(\.name)
        for (entry, _) in entries { logger.info("order \(entry.orderID)\(entry.version > 0 ? " (amendment \(entry.version))" : "") delivered") }
    }

    /// Amendments get `amendment_number` and `amendment_of` fields for their mappings.
    static func withAmendmentFields(_ entry: LedgerOrder) -> JoorOrder {
        var order = entry.order
        if entry.version > 0 {
            order.fields["amendment_number"] = String(entry.version)
            order.fields["amendment_of"] = entry.orderID
        }
        return order
    }

    /// `ORD_1.csv` → `ORD_1_AMD1.csv` for the first amendment.
    static func amended(_ name: String, version: Int) -> String {
        guard version > 0 else { return name }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "\(name)_AMD\(version)" }
        return "\(name[..<dot])_AMD\(version)\(name[dot...])"
    }

    // MARK: Dry run

    /// The orders a run would deliver now, rendered, without changing JOOR, the ledger or the outbox.
    public func dryRun(runID: String, print: DryRunPrinter) async throws -> Report {
        var report = Report()
        var candidates = try ledger.orders(in: [.received, .rejected]).map(Self.withAmendmentFields)
        let query = OrdersQuery(orderType: settings.status.orderType, exportStatus: settings.deliverAmendments ? 5 : 2, sync: false, count: settings.pageSize)
        report.pages = try await client.orders(query) { page in
            report.pulled += page.orders.count
            for order in page.orders {
                if try ledger.knows(order.id) && !settings.deliverAmendments { report.duplicates += 1; continue }
                if let reason = skipReason(order) { report.skipped += 1; print(.note("order \(order.id) would be held: \(reason)")); continue }
                candidates.append(order)
            }
        }
        let context = RenderContext(runID: runID)
        for order in candidates {
            switch plan(order, version: 0, context: context) {
            case .failure(let rejection): report.rejected[order.id] = rejection.description
            case .success(let files):
                report.delivered += 1
                for file in files {
                    let sink = MemoryByteSink(name: file.name)
                    let writer = try OrderFileWriter(renderer: file.renderer, sink: sink, part: file.part)
                    try writer.write(file.rendered)
                    try writer.finish()
                    report.files.append(file.name)
                    print(.file(name: file.name, content: Data(sink.bytes)))
                }
            }
        }
        return report
    }
}
