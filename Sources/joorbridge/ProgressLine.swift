import ArgumentParser
import Foundation
import JoorBridge

/// One live line on a terminal while a long inbox file is read: file, rows, rows/s, percent.
/// Nothing at all when standard error is not a terminal (cron, systemd, pipes), unless asked for.
final class ProgressLine: @unchecked Sendable {
    enum Mode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    private let lock = NSLock()
    private var lastDrawn = Date.distantPast
    private var showing = false

    /// The progress callback for the jobs, or `nil` when no progress should be shown.
    static func handler(mode: Mode, format: LoggingOptions.Format) -> (@Sendable (FileProgress) -> Void)? {
        let wanted: Bool
        switch mode {
        case .never: wanted = false
        case .always: wanted = true
        case .auto: wanted = format == .text && isatty(STDERR_FILENO) == 1
        }
        guard wanted else { return nil }
        let line = ProgressLine()
        return { line.report($0) }
    }

    func report(_ progress: FileProgress) {
        lock.withLock {
            if progress.finished {
                if showing { try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8)) }
                showing = false
                return
            }
            let now = Date()
            guard now.timeIntervalSince(lastDrawn) >= 0.2 else { return }
            lastDrawn = now
            showing = true
            let text =
                "\r\u{1B}[K\(progress.job) \(progress.file): \(Self.grouped(progress.rows)) rows, \(Self.grouped(Int(progress.rowsPerSecond))) rows/s, \(Int(progress.fraction * 100))%"
            try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
        }
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
