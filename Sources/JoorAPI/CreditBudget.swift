import Foundation

/// JOOR's rate limit kept on our side: a fixed window of credits (300 per 300 s by default;
/// a GET costs 1, a write 5). A call waits for its credits instead of provoking a 429.
public actor CreditBudget {
    public nonisolated let limit: Int
    public nonisolated let window: Duration
    private var windowStart: ContinuousClock.Instant?
    private var windowNumber = 0
    private var used = 0
    private var blockedUntil: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    /// Credits spent since this budget was created, and time spent waiting for them.
    public private(set) var totalSpent = 0
    public private(set) var totalWaited: Duration = .zero

    /// Extra wait after a window ends before trusting that JOOR's window (which opened when
    /// JOOR received our first request, a little later than we sent it) has ended too.
    public nonisolated let margin: Duration

    public init(limit: Int = 300, window: Duration = .seconds(300)) {
        self.limit = max(1, limit)
        self.window = window
        margin = max(window / 50, .milliseconds(250))
    }

    /// A window this budget opened, handed to the request that opened it (see ``answered(_:)``).
    public struct Window: Sendable, Equatable {
        let number: Int
    }

    /// Waits until `cost` credits are available in the current window, then spends them.
    /// - Returns: the window, when this request opened it.
    @discardableResult
    public func spend(_ cost: Int) async throws -> Window? {
        while true {
            let now = clock.now
            if let blockedUntil, now < blockedUntil {
                try await wait(until: blockedUntil)
                continue
            }
            if let start = windowStart, now >= start + window + margin {
                windowStart = nil
                used = 0
            }
            var opened = false
            if windowStart == nil {
                windowStart = now
                windowNumber += 1
                opened = true
            }
            if used + cost <= limit || used == 0 {
                used += cost
                totalSpent += cost
                return opened ? Window(number: windowNumber) : nil
            }
            try await wait(until: windowStart! + window + margin)
        }
    }

    /// The request that opened `window` was answered (or failed). JOOR received it at the latest
    /// now, so JOOR's window began no later than this: starting ours here means our next window
    /// never begins before JOOR's has ended, however long that request was under way (a loaded
    /// machine, a slow link). It stretches each window by one request's latency.
    public func answered(_ window: Window) {
        guard window.number == windowNumber, windowStart != nil else { return }
        windowStart = clock.now
    }

    /// JOOR said 429: pause every caller until `retryAfter`, or the end of the window.
    public func rateLimited(retryAfter: Duration?) {
        let now = clock.now
        let until = retryAfter.map { now + $0 } ?? (windowStart.map { $0 + window } ?? now + window)
        blockedUntil = max(blockedUntil ?? until, until)
        windowStart = nil
        used = 0
    }

    private func wait(until instant: ContinuousClock.Instant) async throws {
        let delay = instant - clock.now
        guard delay > .zero else { return }
        totalWaited += delay
        try await Task.sleep(for: delay)
    }
}
