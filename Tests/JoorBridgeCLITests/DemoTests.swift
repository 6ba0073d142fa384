import Foundation
import TestSupport
import Testing

@Suite("joorbridge demo", .serialized)
struct DemoTests {
    @Test func demoDeliversOrdersFromACleanFolderAndNothingTwice() async throws {
        let dir = try TemporaryDirectory("demo")
        let first = try await Executable.run(["demo", "--workdir", dir.path("work")], in: dir.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("What happened"))
        let outbox = try FileManager.default.contentsOfDirectory(atPath: dir.path("work/outbox"))
        let orders = outbox.filter { $0.hasPrefix("ORD_") }
        #expect(!orders.isEmpty)
        #expect(outbox.filter { $0.hasPrefix("CUST_") }.count == orders.count)
        #expect(first.stdout.contains("The outbox holds \(orders.count) order files"))
        #expect(first.stdout.contains("JOOR now holds 6 stock positions"))
        #expect(first.stdout.contains("RJ-5005 and TB-2003"))
        #expect(first.stderr.contains("inventory: ok") && first.stderr.contains("products: ok"), "\(first.stderr)")
        let archived = try FileManager.default.subpathsOfDirectory(atPath: dir.path("work/archive")).filter { $0.hasSuffix(".csv") }
        #expect(archived.count == 2)
        let second = try await Executable.run(["demo", "--workdir", dir.path("work")], in: dir.path)
        #expect(second.status == 0)
        #expect(second.stderr.contains("orders: ok — 0 delivered"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("work/outbox")).count == outbox.count)
    }
}
