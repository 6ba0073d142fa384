import Foundation
import TestSupport
import Testing

/// `joorbridge-bench --quick` still runs end to end (the figures themselves come from release runs,
/// see BENCHMARKS.md; no timing is asserted here).
@Suite("joorbridge-bench smoke test")
struct BenchSmokeTests {
    @Test func quickRunMeasuresEveryWorkloadAndTheAPIEconomyHolds() async throws {
        let dir = try TemporaryDirectory("bench")
        let bench = Executable.joorbridge.deletingLastPathComponent().appendingPathComponent("joorbridge-bench")
        try #require(FileManager.default.isExecutableFile(atPath: bench.path), "swift build builds joorbridge-bench")
        let process = Process()
        process.executableURL = bench
        process.arguments = [
            "--rows", "3000", "--big-rows", "6000", "--xml-items", "2000", "--product-rows", "1000", "--orders", "150",
            "--push-skus", "1200", "--runs", "1", "--data", dir.path("data"), "--out", dir.path("results"),
            "--mappings", Fixtures.repositoryRoot.appendingPathComponent("mappings").path,
        ]
        process.currentDirectoryURL = Fixtures.repositoryRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let finished = try await RunningExecutable.until(timeout: 300) { !process.isRunning }
        if !finished { Executable.stop(process) }
        try #require(finished, "the bench finished within 300 s")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("results.json")))) as? [String: Any])
        let rows = report["rows"] as? [[String: Any]] ?? []
        #expect(rows.filter { ($0["label"] as? String)?.hasPrefix("floor") == true }.count == 4)
        #expect(rows.filter { ($0["label"] as? String)?.hasPrefix("joorbridge conversion") == true }.count == 4)
        #expect(rows.filter { ($0["label"] as? String)?.hasPrefix("the inventory job's two passes") == true }.count == 1)
        let push = try #require(report["inventoryPush"] as? [String: Any])
        let sent = push["itemsSent"] as? Int ?? 0
        let batch = push["batchSize"] as? Int ?? 1
        #expect(push["firstWrites"] as? Int == (sent + batch - 1) / batch, "⌈N / batch⌉ writes")
        #expect(push["againWrites"] as? Int == 0, "the re-sent file writes nothing")
        #expect(push["rateLimited"] as? Int == 0, "no 429 from the JOOR-like limiter")
        for orders in report["orders"] as? [[String: Any]] ?? [] {
            #expect(orders["delivered"] as? Int == 150)
            #expect(orders["reads"] as? Int == 4, "150 orders: a look ahead and the synchronising pull, ⌈150 / 100⌉ reads each")
        }
    }
}
