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

    public init(orderType: Int? = 6, exportStatus: Int? = nil, sync: Bool, check: Int? = nil, dateStart: Date? = nil, dateEnd: Date? = nil,
                customerCode: String? = nil, customerGroupName: String? = nil, count: Int = 100, startFrom: Int = 0) {
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
    /// One page of orders.
    public func ordersPage(_ query: OrdersQuery) async throws(JoorAPIError) -> OrdersPage {
        let url = options.endpoint.v2 + "/orders"
        // A sync pull marks the orders it returns exported. If its answer is lost (timeout, cut
        // connection, 5xx), asking again returns the *next* page and the lost one is never seen:
        // so it is not retried blindly. The caller decides (the orders job catches up with a
        // sync=0 read). Rate-limit answers (429/503) mean "not processed" and are still retried.
        let reply = try await send(.GET, url: url, query: query.queryItems, idempotent: !query.sync)
        let page: OrdersPage
        do throws(JoorResponseError) { page = try OrdersPage.parse(reply.body) } catch {
            throw JoorAPIError(.malformedResponse, request: "GET /v2/orders", message: redact(error.message))
        }
        if page.isError {
            throw JoorAPIError(.rejected, request: "GET /v2/orders", message: "response code \(page.code ?? -1): \(page.comment ?? "")")
        }
        return page
    }

    /// Every page of orders, in order. `onPage` runs (and must finish storing the page) before
    /// the next page is asked for, so a crash never loses a page that JOOR already marked exported.
    ///
    /// - Returns: the number of pages read.
    @discardableResult
    public func orders(_ query: OrdersQuery, onPage: (OrdersPage) async throws -> Void) async throws -> Int {
        var current = query
        var pages = 0
        var lastStart: Int?
        while pages < 100_000 {
            let page = try await ordersPage(current)
            pages += 1
            try await onPage(page)
            guard !page.orders.isEmpty, page.orders.count >= current.count, let next = page.nextStart else { break }
            // A read-only pull that does not move on would loop forever.
            if !current.sync, next <= current.startFrom { break }
            if current.sync, next == lastStart, next == current.startFrom, page.orders.isEmpty { break }
            lastStart = current.startFrom
            current.startFrom = next
        }
        return pages
    }
}
