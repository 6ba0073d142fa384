import Foundation
import JoorAPI
import JoorModels
import Mapping

/// Cancellations (`orders.deliver_cancellations`): a delivered order JOOR cancels reaches the WMS
/// once more, as a cancellation file, so the warehouse does not ship it; an order cancelled before
/// it was delivered never is.
extension OrdersJob {
    static let cancellationsCheckedKey = "orders.cancellations_checked"

    /// Reads the orders JOOR reports cancelled since the last look (sync=0: a read that marks
    /// nothing) and journals them: one cancellation to deliver per delivered order, and what was
    /// not delivered yet becomes `cancelled`. The first look reaches back to the first order the
    /// ledger knows (adopted ones included).
    func findCancellations(startedAt started: Date, _ report: inout Report) async throws {
        guard settings.deliverCancellations else { return }
        guard let since = try ledger.value(Self.cancellationsCheckedKey).flatMap(JoorDates.parse) ?? ledger.earliestOrder() else {
            return  // nothing delivered, nothing to cancel
        }
        let query = OrdersQuery(
            orderType: OrdersSettings.Status.cancelled.orderType, exportStatus: 1, sync: false,
            dateStart: since.addingTimeInterval(-Self.clockMargin), dateEnd: Date().addingTimeInterval(3600), count: settings.pageSize)
        var outcome = Ledger.CancellationOutcome()
        report.pages += try await client.orders(query) { page in
            let found = try ledger.journalCancellations(page.orders)
            outcome.toDeliver += found.toDeliver
            outcome.stopped += found.stopped
            CrashPoint.hit("cancellations journaled")
        }
        try ledger.set(Self.cancellationsCheckedKey, Ledger.timestamp(started))
        report.cancellations += outcome.toDeliver
        report.cancelledBeforeDelivery += outcome.stopped
        if outcome.toDeliver > 0 { logger.notice("JOOR cancelled \(outcome.toDeliver) delivered order(s); writing their cancellation files") }
        if outcome.stopped > 0 { logger.notice("JOOR cancelled \(outcome.stopped) order(s) before they were delivered; they will not be") }
    }

    /// The route a journaled entry goes through now: an amendment or a cancellation where its
    /// order went (the WMS that has the order), a new order the first route that takes it; `nil`:
    /// none does (the order is held).
    func route(forEntry entry: LedgerOrder) throws -> OrderRoute? {
        switch entry.kind {
        case .cancellation: try route(forCancellationOf: entry)
        case .order where entry.version > 0: try deliveredRoute(of: entry.orderID) ?? route(for: Self.withAmendmentFields(entry))
        case .order: route(for: entry.order)
        }
    }

    /// The route a cancellation goes through: the one that delivered the order, else the first
    /// that takes it now.
    func route(forCancellationOf entry: LedgerOrder) throws -> OrderRoute {
        try deliveredRoute(of: entry.orderID) ?? route(for: entry.order) ?? routes[0]
    }

    /// The route that last delivered the order (its outbox is where the WMS looks for what
    /// follows), if the config still has it.
    func deliveredRoute(of orderID: String) throws -> OrderRoute? {
        let delivery = try ledger.entries(orderID: orderID).last { $0.kind == .order && $0.state == .delivered }
        if let name = delivery?.route, let route = routes.first(where: { $0.name == name }) { return route }
        if let outbox = delivery?.outbox, let route = routes.first(where: { $0.outbox.directory == outbox }) { return route }
        return nil
    }
}
