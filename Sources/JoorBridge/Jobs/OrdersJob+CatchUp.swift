import Foundation
import JoorAPI
import JoorModels

/// The read-only pulls (sync=0, which mark nothing) around the synchronising pull: the look ahead
/// that records what the pull is about to take, the catch-up that finds what a lost answer took,
/// and the refresh of held orders JOOR changed.
extension OrdersJob {
    /// Reads (sync=0) what the synchronising pull is about to mark exported and records it in the
    /// ledger as expected. If the pull's answer is then lost, these ids are how the catch-up tells
    /// orders this install pulled from orders another integration exported.
    /// - Returns: the ids it saw.
    func lookAhead(_ report: inout Report) async throws -> Set<String> {
        let query = pullQuery(exportStatus: settings.deliverAmendments ? 5 : 2, sync: false)
        var seen: Set<String> = []
        report.pages += try await client.orders(query) { page in
            seen.formUnion(page.orders.map(\.id))
            try ledger.expect(page.orders)
        }
        return seen
    }

    /// Reads orders JOOR reports exported (sync=0) and journals those a lost answer may have taken
    /// from this install: orders the look ahead expected, and orders changed since the unfinished
    /// run began (new orders that arrived between the look and the pull). With `since` (an
    /// operator's `--since`), every unknown exported order changed since then.
    ///
    /// An order another integration exported before joorbridge's unfinished run is neither, so it
    /// is never delivered here. The read reaches back no further than `go_live`, and for orders
    /// the ledger did not expect, no further than `catch_up_days`; an expected order is read
    /// however long ago it last changed.
    /// - Returns: the ids of the orders it journaled.
    @discardableResult
    func catchUp(unfinishedSince: Date?, since: Date?, _ report: inout Report) async throws -> Set<String> {
        report.catchUp = true
        let expected = try ledger.expectedOrders()
        // Orders it did not expect count when changed since the unfinished run began, and within
        // catch_up_days: reading further back for an expected order lets no older one in.
        let floor = Date().addingTimeInterval(-Double(settings.catchUpDays) * 86_400)
        let changedSince = unfinishedSince.map { max($0.addingTimeInterval(-Self.clockMargin), floor) }
        var start = since ?? changedSince ?? Date()
        for modified in expected.values.compactMap({ $0.flatMap(JoorDates.parse) }) where modified < start { start = modified }
        if let goLive = settings.goLive { start = max(start, goLive) }
        logger.notice("catching up on orders JOOR exported since \(Ledger.timestamp(start))")
        let query = OrdersQuery(
            orderType: settings.status.orderType, exportStatus: 3, sync: false,
            dateStart: start, dateEnd: Date().addingTimeInterval(3600), count: settings.pageSize)
        var found = Ledger.JournalOutcome()
        var journaled: Set<String> = []
        report.pages += try await client.orders(query) { page in
            let ours = page.orders.filter { order in
                if since != nil || expected[order.id] != nil { return true }
                guard let changedSince, let modified = order.dateModified.flatMap(JoorDates.parse) else { return false }
                return modified >= changedSince
            }
            journaled.formUnion(ours.map(\.id))
            found.add(try ledger.journal(ours, amendments: settings.deliverAmendments, holdReason: holdReason))
        }
        let caught = found.received + found.held + found.amendments
        report.caughtUp += caught
        report.received += found.received
        report.held += found.held
        report.amendments += found.amendments
        if caught > 0 { logger.warning("catch-up found \(caught) order(s) JOOR had exported but the ledger lacked; delivering them") }
        return journaled
    }

    /// Reads the orders JOOR reports changed since their export (sync=0) and gives held and
    /// rejected orders JOOR's new data: a buyer's customer code added in JOOR delivers a held
    /// order in this run. An order whose cancellation the WMS has, back among the approved ones,
    /// was reinstated: it is held. Only orders the ledger holds are touched.
    func refreshUndelivered(startedAt started: Date, _ report: inout Report) async throws {
        // Changes since the last look (or, the first time, since the oldest such order arrived).
        let since =
            try ledger.value(Self.modifiedCheckedKey).flatMap(JoorDates.parse)
            ?? (ledger.orders(in: [.held, .rejected, .cancelled]).compactMap { JoorDates.parse($0.receivedAt) }
            + [ledger.firstDeliveredCancellation()].compactMap { $0 }).min() ?? started
        let query = OrdersQuery(
            orderType: settings.status.orderType, exportStatus: 4, sync: false,
            dateStart: since.addingTimeInterval(-Self.clockMargin), dateEnd: Date().addingTimeInterval(3600), count: settings.pageSize)
        var outcome = Ledger.JournalOutcome()
        report.pages += try await client.orders(query) { page in
            outcome.add(try ledger.journal(page.orders, amendments: false, onlyKnown: true, holdReason: holdReason))
        }
        try ledger.set(Self.modifiedCheckedKey, Ledger.timestamp(started))
        report.released += outcome.released
        report.held += outcome.held
        if outcome.released > 0 { logger.notice("\(outcome.released) held order(s) changed in JOOR and are delivered now") }
        if outcome.held > 0 {
            logger.warning("\(outcome.held) order(s) JOOR reinstated after their cancellation was delivered are held (joorbridge orders list)")
        }
    }
}
