import Foundation
import TestSupport
import Testing

@testable import JoorModels
@testable import JoorSandbox

/// `orders.deliver_cancellations` through the binary: a delivered order JOOR cancels reaches the
/// WMS once more, as exactly one cancellation file (also across a SIGKILL matrix); an order
/// cancelled before it was delivered never reaches it.
@Suite("Cancellations to the WMS", .serialized)
struct CancellationTests {
    static let token = "cancel-token"
    static let env = ["CANCEL_TOKEN": token]

    static func workspace(_ sandbox: JoorSandboxServer) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("cancellations")
        try dir.copyMappings(["orders-csv-lines.yml", "orders-cancellation-csv.yml"])
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: CANCEL_TOKEN, base_url: "\(sandbox.baseURL)" }
                folders: { outbox: ./outbox }
                state: ./state/joorbridge.sqlite
                orders:
                  mapping: mappings/orders-csv-lines.yml
                  deliver_cancellations: true
                  cancellations_mapping: mappings/orders-cancellation-csv.yml
                  page_size: 10
                """)
        return dir
    }

    /// Order ids of the files in the outbox starting with `prefix` (`ORD_`, `CANCEL_`), one per file.
    static func ids(_ dir: TemporaryDirectory, _ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path("outbox"))) ?? [])
            .filter { $0.hasPrefix(prefix) && !$0.hasPrefix(".") }
            .map { String($0.dropFirst(prefix.count).prefix { $0.isNumber }) }
    }

    static func approved(_ count: Int, seed: UInt64, firstID: Int) -> [SandboxOrder] {
        var orders = OrderSeeder.orders(count: count, seed: seed, firstID: firstID)
        for i in orders.indices {
            orders[i].status = .approved
            if orders[i].order.fields["customer_code"] == "" { orders[i].order.fields["customer_code"] = "HLB001" }
        }
        return orders
    }

    /// JOOR reinstates an order whose cancellation the WMS already has: the order is held with
    /// the reason, where it was dropped as already delivered (the WMS kept it cancelled, without
    /// a word); `orders deliver` sends it again.
    @Test func anOrderReinstatedAfterItsCancellationWasDeliveredIsHeld() async throws {
        try await withSandbox(token: Self.token) { sandbox in
            try await sandbox.state.add(Self.approved(1, seed: 5, firstID: 9_900_201))
            let dir = try Self.workspace(sandbox)
            _ = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(try await sandbox.state.modify(orderID: "9900201", status: .cancelled))
            _ = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(Self.ids(dir, "CANCEL_") == ["9900201"])
            // (JOOR's modification times have whole seconds: a change in the same second as the
            // cancellation would look like no change.)
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await sandbox.state.modify(orderID: "9900201", status: .approved))
            let reinstated = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(reinstated.status == 0, "\(reinstated.stderr)")
            let held = try await Executable.run(["orders", "list", "--held"], in: dir.path)
            #expect(held.stdout.contains("9900201") && held.stdout.contains("JOOR reinstated it"), "\(held.stdout) \(reinstated.stderr)")
            // Changed again in JOOR, it stays held: someone decides, not the next change.
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await sandbox.state.modify(orderID: "9900201", fields: ["order_comments": "a note"]))
            _ = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(Self.ids(dir, "ORD_") == ["9900201"], "still held")
            #expect(try await Executable.run(["orders", "list", "--held"], in: dir.path).stdout.contains("JOOR reinstated it"))
            // Cancelled again while held: the WMS has it cancelled already, no second cancellation;
            // reinstated once more, it is held again.
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await sandbox.state.modify(orderID: "9900201", status: .cancelled))
            _ = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(Self.ids(dir, "CANCEL_") == ["9900201"], "one cancellation file")
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(try await sandbox.state.modify(orderID: "9900201", status: .approved))
            _ = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(Self.ids(dir, "ORD_") == ["9900201"], "held again, not delivered")
            let delivered = try await Executable.run(["orders", "deliver", "9900201"], in: dir.path, environment: Self.env)
            #expect(delivered.status == 0, "\(delivered.stderr)")
            #expect(Self.ids(dir, "ORD_") == ["9900201", "9900201"], "the order, then the reinstated order")
        }
    }

    @Test func aDeliveredOrderCancelledInJOORGetsOneCancellationFileAndAnUndeliveredOneNone() async throws {
        try await withSandbox(token: Self.token) { sandbox in
            var orders = Self.approved(4, seed: 3, firstID: 9_900_001)
            orders[3].order.fields["customer_code"] = ""  // held: no customer code
            try await sandbox.state.add(orders)
            try await sandbox.state.add(Self.approved(1, seed: 4, firstID: 9_900_101))
            // Cancelled in JOOR before any run: never pulled, never delivered.
            #expect(try await sandbox.state.modify(orderID: "9900101", status: .cancelled))
            let dir = try Self.workspace(sandbox)
            let first = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(Set(Self.ids(dir, "ORD_")) == ["9900001", "9900002", "9900003"], "9900004 held, 9900101 cancelled before the pull")

            // JOOR cancels a delivered order and the held one.
            #expect(try await sandbox.state.modify(orderID: "9900002", status: .cancelled))
            #expect(try await sandbox.state.modify(orderID: "9900004", status: .cancelled))
            let second = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stderr.contains("1 cancellation(s) delivered (1 found)"), "\(second.stderr)")
            #expect(second.stderr.contains("1 cancelled in JOOR before delivery"), "\(second.stderr)")
            #expect(Self.ids(dir, "CANCEL_") == ["9900002"])
            let cancel = try String(contentsOfFile: dir.path("outbox/CANCEL_9900002.csv"), encoding: .utf8)
            #expect(
                cancel.hasPrefix("Action,OrderNumber,PONumber,Customer,Status,") && cancel.contains("\r\nCANCEL,9900002,")
                    && cancel.contains(",Cancelled,"), "\(cancel)")

            // Repeated runs write nothing more; the cancelled held order cannot be delivered.
            for _ in 0..<2 {
                let again = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
                #expect(again.status == 0, "\(again.stderr)")
            }
            #expect(Self.ids(dir, "CANCEL_") == ["9900002"])
            #expect(Set(Self.ids(dir, "ORD_")) == ["9900001", "9900002", "9900003"])
            let deliver = try await Executable.run(["orders", "deliver", "9900004"], in: dir.path, environment: Self.env)
            #expect(deliver.status == 3 && deliver.stderr.contains("was cancelled in JOOR before it was delivered"), "\(deliver.stderr)")
            let status = try await Executable.run(["status"], in: dir.path)
            #expect(status.stdout.contains("cancellations: 1 delivered to the WMS, 0 still to be written"), "\(status.stdout)")
            #expect(status.stdout.contains("1 cancelled"), "\(status.stdout)")

            // JOOR reinstates it, now with a customer code: the next run delivers it, as the refusal said.
            #expect(try await sandbox.state.modify(orderID: "9900004", fields: ["customer_code": "HLB001"], status: .approved))
            let reinstated = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(reinstated.status == 0, "\(reinstated.stderr)")
            #expect(Set(Self.ids(dir, "ORD_")) == ["9900001", "9900002", "9900003", "9900004"], "\(reinstated.stderr)")
        }
    }

    /// A dry run shows a pending cancellation as the cancellation file a run then writes, not as
    /// an amendment of the order.
    @Test func aDryRunShowsAPendingCancellationAsItsCancellationFile() async throws {
        try await withSandbox(token: Self.token) { sandbox in
            try await sandbox.state.add(Self.approved(2, seed: 5, firstID: 9_900_201))
            let dir = try Self.workspace(sandbox)
            #expect(try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env).status == 0)
            #expect(try await sandbox.state.modify(orderID: "9900202", status: .cancelled))
            let killed = try await Executable.run(
                ["run", "orders"], in: dir.path, environment: Self.env.merging(["JOORBRIDGE_CRASH_AT": "cancellations journaled"]) { $1 })
            #expect(killed.status != 0 && Self.ids(dir, "CANCEL_").isEmpty, "killed with the cancellation journaled, not written")
            let dry = try await Executable.run(["run", "orders", "--dry-run"], in: dir.path, environment: Self.env)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("==> CANCEL_9900202.csv <=="), "\(dry.stdout)")
            #expect(!dry.stdout.contains("ORD_9900202"), "\(dry.stdout)")
            let run = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(run.status == 0 && Self.ids(dir, "CANCEL_") == ["9900202"], "\(run.stderr)")
        }
    }

    @Test func exactlyOneCancellationFilePerCancelledDeliveryThroughAKillMatrix() async throws {
        try await withSandbox(token: Self.token) { sandbox in
            try await sandbox.state.add(Self.approved(12, seed: 21, firstID: 9_910_001))
            let dir = try Self.workspace(sandbox)
            let start = try await Executable.run(["run", "orders"], in: dir.path, environment: Self.env)
            #expect(start.status == 0, "\(start.stderr)")
            var cancelledAfterDelivery: Set<String> = []
            var cancelledBeforePull: Set<String> = []
            func cancelSome(_ batch: Int) async throws {
                // Two delivered orders, and a new order cancelled before any run sees it.
                let delivered = Set(Self.ids(dir, "ORD_")).subtracting(cancelledAfterDelivery).sorted()
                for id in delivered.prefix(2) {
                    #expect(try await sandbox.state.modify(orderID: id, status: .cancelled))
                    cancelledAfterDelivery.insert(id)
                }
                let fresh = Self.approved(3, seed: UInt64(100 + batch), firstID: 9_920_000 + batch * 10)
                try await sandbox.state.add(fresh)
                #expect(try await sandbox.state.modify(orderID: fresh[0].id, status: .cancelled))
                cancelledBeforePull.insert(fresh[0].id)
            }
            try await cancelSome(0)
            var matrix = KillMatrix(arguments: ["run", "orders"], directory: dir.path, environment: Self.env, seed: 1_717)
            matrix.named = ["cancellations journaled", "temporary written", "writing recorded", "file published", "delivered recorded"]
            let result = try await matrix.run(kills: 32) { batch in try await cancelSome(batch) }
            #expect(result.kills >= 30 && result.checkpointKills >= 20, "\(result)")
            #expect(result.checkpoints["cancellations journaled", default: 0] > 0, "\(result.checkpoints)")
            let final = try await matrix.finish()
            #expect(final.status == 0, "\(final.stderr)")

            let cancels = Self.ids(dir, "CANCEL_")
            let delivered = Self.ids(dir, "ORD_")
            #expect(Set(cancels).count == cancels.count, "no cancellation twice: \(cancels.sorted())")
            #expect(Set(cancels) == cancelledAfterDelivery, "one cancellation per cancelled delivered order")
            #expect(Set(delivered).count == delivered.count, "no order twice")
            #expect(Set(delivered).isDisjoint(with: cancelledBeforePull), "an order cancelled before its pull is never delivered")
            #expect(cancelledAfterDelivery.count >= 8 && cancelledBeforePull.count >= 3)
        }
    }
}
