import Foundation

/// How often and how long to retry a failed call: exponential backoff with full jitter.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// Longest single wait for a 429 (a Retry-After beyond it is capped).
    public var maxRateLimitWait: Duration
    /// Attempts to connect before JOOR counts as unreachable. A failed connection sent nothing,
    /// so any request may try again; with the connect timeout this bounds how long an unreachable
    /// JOOR holds a run: `connectAttempts × connect timeout + 1.5 s` at most.
    public var connectAttempts: Int

    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30), maxRateLimitWait: Duration = .seconds(310),
        connectAttempts: Int = 3
    ) {
        self.connectAttempts = max(1, connectAttempts)
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRateLimitWait = maxRateLimitWait
    }

    /// Delay before attempt `attempt + 1` (attempt counts from 1).
    func backoff(after attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 20)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        let millis = Int64(ceiling.components.seconds * 1000 + ceiling.components.attoseconds / 1_000_000_000_000_000)
        return .milliseconds(Int64.random(in: (millis / 2)...max(millis / 2, millis)))
    }
}
