import Foundation
import JoorModels
import NIOHTTP1

/// Parameters of `GET /v2/orders` (reference notes §2.2).
public struct OrdersQuery: Sendable, Equatable {
    /// 1 Notes · 2 Approved & Shipped · 3 Pending · 4 All except cancelled · 5 Cancelled · 6 Approved · 7 Shipped · 8 All.
    public var orderType: Int?
    /// 1 all · 2 not yet exported (incl. failed) · 3 exported · 4 modified since export · 5 = 2+4 · 6 not exported, failed excluded · 7 = 6+4.
    public var exportStatus: Int?
    /// `true`: a synchronising pull that marks the returned orders exported.
    public var sync: Bool
    public var check: Int?
    /// Modified-date window (both or neither).
    public var dateStart: Date?
    public var dateEnd: Date?
    public var customerCode: String?
    public var customerGroupName: String?
    /// Page size.
    public var count: Int
    public var startFrom: Int

    public init(
        orderType: Int? = 6, exportStatus: Int? = nil, sync: Bool, check: Int? = nil, dateStart: Date? = nil, dateEnd: Date? = nil,
        customerCode: String? = nil, customerGroupName: String? = nil, count: Int = 100, startFrom: Int = 0
    ) {
        self.orderType = orderType
        self.exportStatus = exportStatus
        self.sync = sync
        self.check = check
        self.dateStart = dateStart
        self.dateEnd = dateEnd
        self.customerCode = customerCode
        self.customerGroupName = customerGroupName
        self.count = count
        self.startFrom = startFrom
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = [("sync", sync ? "1" : "0"), ("count", String(count)), ("start_from", String(startFrom))]
        if let orderType { items.append(("order_type", String(orderType))) }
        if let exportStatus { items.append(("export_status", String(exportStatus))) }
        if let check { items.append(("check", String(check))) }
        let iso = ISO8601DateFormatter()
        if let dateStart, let dateEnd {
            items.append(("date_start", iso.string(from: dateStart)))
            items.append(("date_end", iso.string(from: dateEnd)))
        }
        if let customerCode { items.append(("customer_code", customerCode)) }
        if let customerGroupName { items.append(("customer_group_name", customerGroupName)) }
        return items
    }
}

extension JoorClient {
    /// One page of orders. The path is `/v2/orders` (JOOR's docs' wording); when JOOR answers
    /// 404 there, `/v2/order/` (what integrations in the wild call), and the client keeps to
    /// whichever answered.
    public func ordersPage(_ query: OrdersQuery) async throws(JoorAPIError) -> OrdersPage {
        // A sync pull marks the orders it returns exported. If its answer is lost (timeout, cut
        // connection, 5xx), asking again would not return that page: so it is not retried
        // blindly. The caller decides (the orders job catches up with a sync=0 read). A failed
        // connection (nothing sent) and 429 (not processed) are still retried.
        let reply: Reply
        do throws(JoorAPIError) {
            reply = try await send(.GET, url: options.endpoint.v2 + ordersPaths.current, query: query.queryItems, idempotent: !query.sync)
        } catch {
            guard error.kind == .httpStatus(404), let fallback = ordersPaths.fallback() else { throw error }
            logger.notice("JOOR answered 404 on /v2/orders; using \(fallback) from now on")
            reply = try await send(.GET, url: options.endpoint.v2 + fallback, query: query.queryItems, idempotent: !query.sync)
        }
        let label = "GET /v2\(ordersPaths.current)"
        let page: OrdersPage
        do throws(JoorResponseError) { page = try OrdersPage.parse(reply.body) } catch {
            throw JoorAPIError(.malformedResponse, request: label, message: redact(error.message))
        }
        if page.response.isError {
            throw JoorAPIError(.rejected, request: label, message: "response code \(page.response.code): \(page.response.comment ?? "")")
        }
        return page
    }

    /// One small read-only page of orders (sync=0, marks nothing) as JOOR answered it, for
    /// `check --connect` to check the token and the answer's shape.
    public func ordersReply(_ query: OrdersQuery) async throws(JoorAPIError) -> Data {
        precondition(!query.sync, "a probe never marks orders exported")
        do throws(JoorAPIError) {
            return try await send(.GET, url: options.endpoint.v2 + ordersPaths.current, query: query.queryItems, idempotent: true).body
        } catch {
            guard error.kind == .httpStatus(404), let fallback = ordersPaths.fallback() else { throw error }
            return try await send(.GET, url: options.endpoint.v2 + fallback, query: query.queryItems, idempotent: true).body
        }
    }

    /// Every page of orders, in order. `onPage` runs (and must finish storing the page) before
    /// the next page is asked for, so a crash never loses a page that JOOR already marked exported.
    ///
    /// A read-only pull (sync=0) follows `next_start` (or the offset plus the page's size). A
    /// synchronising pull asks from the start every time: JOOR marks each page exported as it
    /// answers, so the orders not yet taken are always at the start — whether JOOR's `next_start`
    /// counts past the page or not, nothing is skipped. It ends with a page shorter than `count`,
    /// a page JOOR calls the last (an empty `next_start`, or the total reached, unless a read-only
    /// pull's `next_start` points past it), or a page of orders already seen in this pull (JOOR
    /// did not mark them).
    ///
    /// - Returns: the number of pages read.
    @discardableResult
    public func orders(_ query: OrdersQuery, onPage: (OrdersPage) async throws -> Void) async throws -> Int {
        var current = query
        current.startFrom = query.sync ? 0 : query.startFrom
        var pages = 0
        var seen: Set<String> = []
        while pages < 100_000 {
            let page = try await ordersPage(current)
            pages += 1
            let fresh = page.orders.filter { !seen.contains($0.id) }
            if current.sync, !page.orders.isEmpty, fresh.isEmpty {
                logger.warning(
                    "JOOR answered a synchronising pull with orders it had already returned; it may not mark orders exported. Stopping this pull.")
                break
            }
            seen.formUnion(page.orders.map(\.id))
            try await onPage(page)
            // `count` is read as the total ([INF]); a read-only pull that JOOR also gives a
            // next_start past this page goes on whatever `count` says (were it this page's size,
            // the pull would end after its first page).
            let goesOn = !current.sync && (page.response.nextStart ?? 0) > current.startFrom
            guard !page.orders.isEmpty, page.orders.count >= current.count, !page.isLast || goesOn else { break }
            if current.sync { continue }
            let next = page.response.nextStart ?? current.startFrom + page.orders.count
            // A read-only pull that does not move on would loop forever.
            guard next > current.startFrom else { break }
            current.startFrom = next
        }
        return pages
    }
}

/// Which orders path JOOR answers on (unconfirmed in the reference notes): `/orders` first, then
/// `/order/`; the first that does not answer 404 is kept for the life of the client.
final class OrdersPaths: @unchecked Sendable {
    private let lock = NSLock()
    private var index = 0
    static let candidates = ["/orders", "/order/"]

    var current: String { lock.withLock { Self.candidates[index] } }

    /// Moves to the next candidate; `nil` when there is none.
    func fallback() -> String? {
        lock.withLock {
            guard index + 1 < Self.candidates.count else { return nil }
            index += 1
            return Self.candidates[index]
        }
    }
}
