import Foundation
import Hummingbird
import JoorModels

/// Read-back and control under `/sandbox/`, for tests and people: what the sandbox holds, the
/// request counts, fault plans, and orders changed or cancelled "in JOOR".
struct SandboxControl {
    let state: SandboxState

    func register(on group: RouterGroup<SandboxContext>) {
        group.get("", use: status)
        group.get("status", use: status)
        group.get("inventory") { _, _ in SandboxResponse.encodable(await state.allStock()) }
        group.get("styles") { _, _ in SandboxResponse.encodable(await state.allStyles()) }
        group.get("orders") { _, _ in SandboxResponse.encodable(await state.allOrders().map(OrderSummary.init)) }
        group.post("faults") { _, context in
            try await Self.answering400 {
                await state.plan(try JSONDecoder().decode(FaultPlan.self, from: context.body.isEmpty ? Data("{}".utf8) : context.body))
                return SandboxResponse.json(200, ["ok": .bool(true)])
            }
        }
        group.post("reset-counts") { _, _ in
            await state.resetCounts()
            return SandboxResponse.json(200, ["ok": .bool(true)])
        }
        // modify: a JSON object of order fields to set (`{"customer_code": "HLB001"}`), or
        // ?comment=; cancel: the order becomes cancelled. Both flag it modified.
        group.post("orders/:id/modify") { request, context in
            try await change(context, cancel: false, comment: SandboxContext.query(of: request)["comment"])
        }
        group.post("orders/:id/cancel") { _, context in
            try await change(context, cancel: true, comment: nil)
        }
    }

    @Sendable private func status(_ request: Request, _ context: SandboxContext) async throws -> Response {
        let orders = await state.allOrders()
        return SandboxResponse.json(
            200,
            [
                "orders": .number(Decimal(orders.count)), "exported": .number(Decimal(orders.filter(\.exported).count)),
                "styles": .number(Decimal(await state.allStyles().count)), "stock_positions": .number(Decimal(await state.allStock().count)),
                "requests": .object((await state.requestCounts).mapValues { .number(Decimal($0)) }),
            ])
    }

    private func change(_ context: SandboxContext, cancel: Bool, comment: String?) async throws -> Response {
        try await Self.answering400 {
            var fields: [String: String] = [:]
            if !context.body.isEmpty, case .object(let object) = try JSONValue.parse(context.body) {
                for (key, value) in object { fields[key] = value.text ?? "" }
            }
            if fields.isEmpty && !cancel { fields["order_comments"] = comment ?? "changed in JOOR" }
            let found = try await state.modify(orderID: context.parameters.get("id") ?? "", fields: fields, status: cancel ? .cancelled : nil)
            return SandboxResponse.json(found ? 200 : 404, ["ok": .bool(found)])
        }
    }

    /// A control request the sandbox cannot carry out is the caller's mistake: 400 with the reason.
    private static func answering400(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch { return SandboxResponse.json(400, ["error": .string("\(error)")]) }
    }

    /// One line per order for `/sandbox/orders`.
    struct OrderSummary: Encodable {
        var order_id, status: String
        var exported, modified_since_export: Bool
        var export_count: Int
        /// Why JOOR's export check failed it ("Failed" in JOOR's UI), if it did.
        var failed: String?
        var customer_code: String
        var lines: Int

        init(_ order: SandboxOrder) {
            order_id = order.id
            status = order.status.rawValue
            exported = order.exported
            modified_since_export = order.modifiedSinceExport
            export_count = order.exportCount
            failed = order.failedReason
            customer_code = order.order.fields["customer_code"] ?? ""
            lines = order.order.lineItems.count
        }
    }
}
