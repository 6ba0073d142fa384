import Foundation

/// The measurements, as Markdown (for BENCHMARKS.md) and JSON.
struct BenchReport: Codable {
    struct Row: Codable {
        /// The input, the workload, and the file it read.
        var group, label, file: String
        var bytes, rows: Int
        var seconds: Double
        var peakRSSKiB: Int

        /// How many runs the row's figures come from.
        var runs = 1

        /// The median time of several runs of one measurement, with the largest peak RSS.
        static func median(of runs: [Row]) -> Row {
            var row = runs.sorted { $0.seconds < $1.seconds }[runs.count / 2]
            row.peakRSSKiB = runs.map(\.peakRSSKiB).max() ?? row.peakRSSKiB
            row.runs = runs.count
            return row
        }

        var rowsPerSecond: Double { Double(rows) / seconds }
        var mbPerSecond: Double { Double(bytes) / 1_000_000 / seconds }
        var peakMiB: Double { Double(peakRSSKiB) / 1024 }
        var line: String {
            String(format: "%@ — %@: %.2f s, %.0f rows/s, %.1f MB/s, peak RSS %.1f MiB", group, label, seconds, rowsPerSecond, mbPerSecond, peakMiB)
        }
    }

    var machine: String
    var date = ISO8601DateFormatter().string(from: Date())
    var rows: [Row] = []
    var inventoryPush: EndToEnd.InventoryPush?
    var orders: [EndToEnd.OrdersDownload] = []

    static func machine() -> String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let memory = ProcessInfo.processInfo.physicalMemory / 1_073_741_824
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(memory) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    func markdown() -> String {
        var lines = [
            "Measured \(date) on \(machine).", "",
            "Each time is the median of the runs in the `runs` column (whole processes), each peak RSS the largest of them.", "",
            "| input | workload | rows | MB | time | runs | rows/s | MB/s | peak RSS | vs floor | vs Python |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            let floor = rows.first { $0.group == row.group && $0.label.hasPrefix("floor") }
            let python = rows.first { $0.group == row.group && $0.label.hasPrefix("Python") }
            let vsFloor = floor.map { String(format: "%.2f×", row.rowsPerSecond / $0.rowsPerSecond) } ?? ""
            let vsPython = python.map { String(format: "%.1f×", row.rowsPerSecond / $0.rowsPerSecond) } ?? ""
            lines.append(
                String(
                    format: "| %@ | %@ | %d | %.1f | %.2f s | %d | %.0f | %.1f | %.1f MiB | %@ | %@ |",
                    row.group, row.label, row.rows, Double(row.bytes) / 1_000_000, row.seconds, row.runs, row.rowsPerSecond, row.mbPerSecond,
                    row.peakMiB,
                    vsFloor, vsPython))
        }
        if let push = inventoryPush {
            lines += [
                "", "End to end against the sandbox (JOOR's limiter: 300 credits per window, writes cost 5; the window shortened to 2 s):", "",
                "| run | SKUs | batch | writes | expected ⌈N/batch⌉ | credits | 429s | time |", "|---|---:|---:|---:|---:|---:|---:|---:|",
                String(
                    format: "| inventory push | %d | %d | %d | %d | %d | %d | %.1f s |", push.itemsSent, push.batchSize, push.firstWrites,
                    (push.itemsSent + push.batchSize - 1) / push.batchSize, push.firstCredits, push.rateLimited, push.firstSeconds),
                String(
                    format: "| same file again | %d | %d | %d | 0 | — | %d | %.1f s |", push.itemsSent, push.batchSize, push.againWrites,
                    push.rateLimited, push.againSeconds),
            ]
        }
        if !orders.isEmpty {
            lines += [
                "",
                "| order download | orders × lines | page size | reads | expected 2 × ⌈N/page⌉ | delivered | files | output | 429s | time | orders/s |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for o in orders {
                lines.append(
                    String(
                        format: "| → %@ | %d × %d | %d | %d | %d | %d | %d | %.1f MiB | %d | %.1f s | %.0f |", o.format, o.orders, o.linesPerOrder,
                        o.pageSize,
                        o.reads, 2 * ((o.orders + o.pageSize - 1) / o.pageSize), o.delivered, o.files, o.outputMiB, o.rateLimited, o.seconds,
                        Double(o.delivered) / o.seconds))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
