import Foundation
import JoorModels
import Mapping

/// One route of the orders job, ready to deliver: which orders it takes, its outbox and mappings.
struct OrderRoute: Sendable {
    /// The route's name in the config, or `default` when the config has no routes.
    let name: String
    let condition: OrderCondition?
    let outbox: Outbox
    let orders: OutboundMapping
    let customers: OutboundMapping?
    /// The mapping of cancellation files (`orders.deliver_cancellations`).
    let cancellations: OutboundMapping?

    /// Whether the route takes this order (a route without a condition takes every order).
    func takes(_ order: JoorOrder) -> Bool { condition?.holds(for: order) ?? true }

    /// The routes of the settings, in order; a config without routes has one, `default`, into
    /// `folders.outbox` with `orders.mapping`. Each mapping file is loaded once.
    static func build(_ settings: OrdersSettings, outboxDirectory: String, uploadsOutbox: Bool) throws -> [OrderRoute] {
        let configured = settings.effectiveRoutes
        var loaded: [String: OutboundMapping] = [:]
        func mapping(_ path: String, _ kind: MappingKind) throws -> OutboundMapping {
            if let known = loaded[path] { return known }
            let mapping = try OrdersJob.outbound(path, expecting: kind)
            loaded[path] = mapping
            return mapping
        }
        return try configured.map { route in
            let directory = route.outbox ?? outboxDirectory
            // An SFTP outbox's uploader writes the markers on the server; its staging folder gets none.
            let markers = settings.doneMarker && !(uploadsOutbox && directory == outboxDirectory)
            return OrderRoute(
                name: route.name, condition: route.condition,
                outbox: try Outbox(directory: directory, tempPattern: settings.tempName, doneMarker: markers),
                orders: try mapping(route.mapping ?? settings.mapping, .orders),
                customers: try (route.customersMapping ?? settings.customersMapping).map { try mapping($0, .customers) },
                cancellations: settings.deliverCancellations
                    ? try (route.cancellationsMapping ?? settings.cancellationsMapping).map { try mapping($0, .orders) } : nil)
        }
    }
}
