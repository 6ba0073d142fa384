import Foundation

/// Asks a long-running `watch` to stop between files: set from SIGTERM/SIGINT, checked by the jobs
/// before they take the next file, so the file in hand is always finished.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false

    public init() {}

    /// Whether a stop was asked for.
    public var isStopped: Bool { lock.withLock { stopped } }

    /// Asks the jobs to stop after the file in hand.
    public func stop() { lock.withLock { stopped = true } }

    /// Sleeps up to `seconds`, returning early once a stop is asked for.
    public func sleep(seconds: Double) async {
        let deadline = Date().addingTimeInterval(seconds)
        while !isStopped, Date() < deadline {
            try? await Task.sleep(nanoseconds: UInt64(min(0.1, max(0, deadline.timeIntervalSinceNow)) * 1_000_000_000))
        }
    }
}

/// How far a job has got in one inbox file, for the progress line on a terminal.
public struct FileProgress: Sendable {
    public var job: Job
    public var file: String
    public var rows: Int
    public var bytesRead: Int
    public var totalBytes: Int
    public var startedAt: Date
    /// `true` for the last report of a file.
    public var finished = false

    /// 0…1, from the bytes read so far.
    public var fraction: Double { totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 0 }

    public var rowsPerSecond: Double {
        let elapsed = Date().timeIntervalSince(startedAt)
        return elapsed > 0 ? Double(rows) / elapsed : 0
    }
}

/// What a caller can hand the jobs: a way to stop them between files and a progress callback.
public struct JobControl: Sendable {
    public var stop: StopSignal?
    /// Called every few thousand rows of an inbox file and once at its end.
    public var progress: (@Sendable (FileProgress) -> Void)?

    public init(stop: StopSignal? = nil, progress: (@Sendable (FileProgress) -> Void)? = nil) {
        self.stop = stop
        self.progress = progress
    }

    var shouldStop: Bool { stop?.isStopped ?? false }
}
