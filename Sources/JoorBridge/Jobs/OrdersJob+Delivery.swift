import FileFormats
import Foundation
import JoorModels
import Mapping

/// Writing orders into their route's outbox: plan, durable temporaries recorded in the ledger,
/// publish, mark delivered — and finishing what a crash interrupted.
extension OrdersJob {
    /// One output file of an order: which mapping, which part, and the rendered content.
    struct PlannedFile {
        var renderer: OrderRenderer
        var part: OrderFileWriter.Part
        var rendered: RenderedOrder
        var name: String
        var perRun: Bool
    }

    /// Finishes deliveries whose temporary files were durable and recorded: renames what is left,
    /// in the outbox folder recorded with them, and writes missing done markers.
    func recoverWriting(_ report: inout Report) throws {
        let writing = try ledger.orders(in: [.writing])
        for entry in writing {
            let outbox = try outbox(for: entry)
            for (temp, name) in zip(entry.temps, entry.files) {
                try outbox.publish(temp: temp, as: name)
                CrashPoint.hit("recovery published a file")
            }
            try ledger.markDelivered([(entry.orderID, entry.version)])
            report.recovered += 1
            if entry.kind == .cancellation { report.cancellationsDelivered += 1 } else { report.delivered += 1 }
            report.files += entry.files
        }
        // Every recorded delivery is published now: what is left of the temporaries this install
        // noted was written before a crash, and no entry names it (its order is still `received`
        // and is rendered again). Only those are removed: another writer's temporaries (another
        // install delivering into the same WMS folder, whose ledger would take a missing
        // temporary for published) are never touched.
        // (Removed first, then forgotten: a crash in between removes them again.)
        let noted = try ledger.notedTemporaries()
        for path in noted { try? FileManager.default.removeItem(atPath: path) }
        try ledger.forgetTemporaries(noted)
    }

    /// The outbox an entry was being written into (the route's, as recorded; a route that left
    /// the config keeps its folder).
    private func outbox(for entry: LedgerOrder) throws -> Outbox {
        if let route = routes.first(where: { $0.outbox.directory == entry.outbox }) { return route.outbox }
        if let directory = entry.outbox {
            return try Outbox(directory: directory, tempPattern: settings.tempName, doneMarker: settings.doneMarker)
        }
        return routes[0].outbox  // written before routes existed: the one outbox there was
    }

    /// Renders every received (and previously rejected) order from the journal and delivers it
    /// through the first route that takes it; an order no route takes any more is held.
    func deliverPending(runID: String, _ report: inout Report) throws {
        let pending = try ledger.orders(in: [.received, .rejected])
        guard !pending.isEmpty else { return }
        try deliver(pending, runID: runID, route: nil, &report)
    }

    /// Delivers entries: through `route` when given (on demand), else each through its first route.
    func deliver(_ entries: [LedgerOrder], runID: String, route chosen: OrderRoute?, _ report: inout Report) throws {
        let context = RenderContext(runID: runID)
        var perRunBatches: [String: (route: OrderRoute, entries: [(LedgerOrder, [PlannedFile])])] = [:]
        for entry in entries {
            let order = Self.withAmendmentFields(entry)
            guard let route = try chosen ?? route(forEntry: entry) else {
                let reason = noRouteReason(order)
                try ledger.markHeld(entry.orderID, version: entry.version, reason: reason)
                report.held += 1
                logger.warning("held: \(reason)", metadata: ["order_id": "\(entry.orderID)"])
                continue
            }
            switch plan(order, version: entry.version, kind: entry.kind, route: route, context: context) {
            case .failure(let rejection):
                try ledger.markRejected(entry.orderID, version: entry.version, reason: rejection.description)
                report.rejected[entry.orderID] = rejection.description
                logger.warning("not delivered: \(rejection.description)", metadata: ["order_id": "\(entry.orderID)"])
            case .success(let files):
                report.rejected[entry.orderID] = nil
                if files.contains(where: \.perRun) {
                    perRunBatches[route.name, default: (route, [])].entries.append((entry, files))
                } else {
                    try commit([(entry, files)], route: route, &report)
                }
            }
        }
        for (_, batch) in perRunBatches.sorted(by: { $0.key < $1.key }) { try commit(batch.entries, route: batch.route, &report) }
    }

    /// The files of an order (its orders and customers files), or of its cancellation.
    func plan(
        _ order: JoorOrder, version: Int, kind: EntryKind = .order, route: OrderRoute, context: RenderContext
    ) -> Result<[PlannedFile], OrderRejection> {
        var files: [PlannedFile] = []
        var problems: [RowRejection] = []
        let mappings: [OutboundMapping]
        switch kind {
        case .order: mappings = [route.orders, route.customers].compactMap { $0 }
        case .cancellation:
            guard let mapping = route.cancellations else {
                return .failure(
                    OrderRejection(
                        orderID: order.id,
                        problems: [
                            RowRejection(
                                source: "order \(order.id)", line: 0,
                                reason: "route \(route.name) has no cancellations_mapping for its cancellation file")
                        ]))
            }
            mappings = [mapping]
        }
        // A cancellation's file is named by its own mapping, never as an amendment.
        let suffix = kind == .order ? version : 0
        for mapping in mappings {
            let renderer = OrderRenderer(mapping: mapping, context: context)
            switch renderer.render(order) {
            case .failure(let rejection): problems += rejection.problems
            case .success(let rendered):
                let perRun = mapping.per == .run
                let name = Self.amended(renderer.fileName(for: perRun ? nil : order), version: perRun ? 0 : suffix)
                files.append(PlannedFile(renderer: renderer, part: .main, rendered: rendered, name: name, perRun: perRun))
                if let detail = renderer.detailFileName(for: perRun ? nil : order) {
                    files.append(
                        PlannedFile(
                            renderer: renderer, part: .detail, rendered: rendered, name: Self.amended(detail, version: perRun ? 0 : suffix),
                            perRun: perRun))
                }
            }
        }
        return problems.isEmpty ? .success(files) : .failure(OrderRejection(orderID: order.id, problems: problems))
    }

    /// Writes the files of one order (or of the whole run) under temporary names, records them,
    /// publishes them, and marks the orders delivered.
    private func commit(_ entries: [(entry: LedgerOrder, files: [PlannedFile])], route: OrderRoute, _ report: inout Report) throws {
        let outbox = route.outbox
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
        // Noted until the ledger names them (or they are discarded): a published name's
        // temporary left noted would later be another install's to write, and this one's to remove.
        let noted = groups.map { outbox.path(outbox.tempName(for: $0.name)) }
        try ledger.noteTemporaries(noted)
        do {
            for group in groups {
                temps[group.name] = try outbox.writeTemporary(for: group.name) { sink in
                    CrashPoint.hit("temporary half written")
                    try OrderFileWriter.write(group.orders, renderer: group.planned.renderer, part: group.planned.part, to: sink)
                }
                CrashPoint.hit("temporary written")
            }
        } catch let error as FileFormatError where error.kind != .io {
            // What rendering could not see, the file as a whole refuses (a run's total too wide
            // for its column): these orders wait as rejected, retried each run, and the others go on.
            for temp in temps.values { outbox.discardTemporary(temp) }
            try ledger.forgetTemporaries(noted)
            for (entry, _) in entries {
                let reason = "its file cannot be written: \(error)"
                try ledger.markRejected(entry.orderID, version: entry.version, reason: reason)
                report.rejected[entry.orderID] = reason
                logger.warning("not delivered: \(reason)", metadata: ["order_id": "\(entry.orderID)"])
            }
            return
        }
        let writing = zip(entries, namesByEntry).map { pair, names in
            (orderID: pair.entry.orderID, version: pair.entry.version, files: names, temps: names.map { temps[$0]! })
        }
        try ledger.markWriting(writing, route: route.name, outbox: outbox.directory)
        try ledger.forgetTemporaries(noted)
        CrashPoint.hit("writing recorded")
        for group in groups {
            try outbox.publish(temp: temps[group.name]!, as: group.name)
            CrashPoint.hit("file published")
        }
        try ledger.markDelivered(entries.map { ($0.entry.orderID, $0.entry.version) })
        CrashPoint.hit("delivered recorded")
        report.files += groups.map(\.name)
        for (entry, _) in entries {
            let through = routes.count > 1 ? " through route \(route.name)" : ""
            switch entry.kind {
            case .order:
                report.delivered += 1
                logger.info(
                    "\(entry.version > 0 ? "amendment" : "order") delivered\(through)",
                    metadata: ["order_id": "\(entry.orderID)", "version": "\(entry.version)"])
            case .cancellation:
                report.cancellationsDelivered += 1
                logger.info("cancellation delivered\(through)", metadata: ["order_id": "\(entry.orderID)"])
            }
        }
    }

    // MARK: On demand

    /// `joorbridge orders deliver`: delivers held or rejected orders now, whatever held them
    /// (the operator decided), through `routeName` or the first route that takes each. An order
    /// already delivered is left alone, so asking twice delivers nothing more.
    /// - Throws: ``OrdersJobError`` for an unknown order, route, or an order no route takes.
    public func deliverOnDemand(_ orderIDs: [String], routeName: String?, runID: String) async throws -> Report {
        var report = Report()
        // JOOR's latest data first (a fixed customer code, say); without JOOR, the ledger's copy.
        do { try await refreshUndelivered(startedAt: Date(), &report) } catch {
            logger.warning("could not ask JOOR for changes to held orders first (\(error)); delivering the ledger's copy")
        }
        let chosen: OrderRoute?
        if let routeName {
            guard let route = routes.first(where: { $0.name == routeName }) else {
                throw OrdersJobError("there is no route '\(routeName)'; the routes are \(routes.map(\.name).joined(separator: ", "))")
            }
            chosen = route
        } else {
            chosen = nil
        }
        try recoverWriting(&report)
        var entries: [LedgerOrder] = []
        for id in orderIDs {
            guard let latest = try ledger.entries(orderID: id).last else {
                throw OrdersJobError(
                    "order \(id) is not in the ledger: joorbridge has not received it from JOOR (or it was delivered by another integration and not adopted)"
                )
            }
            if latest.order.id.isEmpty {
                throw OrdersJobError("order \(id): \(Ledger.noOrderIDReason); a file without it could not be traced back to JOOR")
            }
            switch latest.state {
            case .delivered, .writing:
                report.duplicates += 1
                logger.notice(
                    "already delivered\(latest.origin == .adopted ? " (by the previous integration)" : ""); nothing to do",
                    metadata: ["order_id": "\(id)"])
            case .cancelled:
                throw OrdersJobError(
                    "order \(id) was cancelled in JOOR before it was delivered; it is not delivered (if JOOR reinstates it, the next run delivers it)"
                )
            case _ where latest.kind == .cancellation:
                throw OrdersJobError("order \(id) was cancelled in JOOR; its cancellation is on its way to the WMS, not the order")
            case .held, .rejected, .received:
                if chosen == nil, try route(forEntry: latest) == nil {
                    throw OrdersJobError("order \(id): \(noRouteReason(latest.order)); name one with --route")
                }
                entries.append(latest)
            }
        }
        try deliver(entries, runID: runID, route: chosen, &report)
        return report
    }

    // MARK: Names and amendments

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
}

/// Why an on-demand order operation could not be done (the run ends partial, with the message).
public struct OrdersJobError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
