/// Faults the sandbox injects into its next answers, to test how clients survive them.
public struct FaultPlan: Sendable, Codable, Equatable {
    public enum Action: Sendable, Equatable {
        case status(Int)
        case cutConnection
        case malformedBody
        case delay(milliseconds: Int)
        /// Carry the request out (JOOR's state changes), then cut the connection: the answer is lost.
        case processThenCut
        /// Carry the request out, then answer with this error status (a proxy's 503, say).
        case processThenStatus(Int)
    }

    /// Answer the next `failCount` requests with `failStatus` (500, 502, 503, 429…).
    public var failCount = 0
    public var failStatus = 500
    /// Cut the connection in the middle of the next N answers.
    public var cutCount = 0
    /// Answer the next N requests with a body that is not valid JSON.
    public var malformedCount = 0
    /// Carry out the next N requests, then lose their answers (the dangerous case for sync pulls).
    public var loseAnswerCount = 0
    /// Carry out the next N requests, then answer them with `status` (500, 503…) instead.
    public var processThenFailCount = 0
    /// Delay every answer by this much (simulates a slow network; with a short client timeout, timeouts).
    public var latencyMilliseconds = 0
    /// Only requests whose path starts with this are affected (`/v2/bulk-inventory`); nil: all API requests.
    public var pathPrefix: String?
    /// Only requests whose query contains this are affected (`sync=1`); nil: any query.
    public var queryContains: String?
    /// Let this many (affected) requests through untouched first: a fault in the middle of a run.
    public var afterRequests = 0

    enum CodingKeys: String, CodingKey {
        case failCount = "fail_next"
        case failStatus = "status"
        case cutCount = "cut_next"
        case malformedCount = "malformed_next"
        case latencyMilliseconds = "latency_ms"
        case pathPrefix = "path_prefix"
        case afterRequests = "after_requests"
        case loseAnswerCount = "lose_answer_next"
        case processThenFailCount = "process_then_fail_next"
        case queryContains = "query_contains"
    }

    public init(
        failCount: Int = 0, failStatus: Int = 500, cutCount: Int = 0, malformedCount: Int = 0, latencyMilliseconds: Int = 0,
        pathPrefix: String? = nil,
        afterRequests: Int = 0, loseAnswerCount: Int = 0, processThenFailCount: Int = 0, queryContains: String? = nil
    ) {
        self.processThenFailCount = processThenFailCount
        self.queryContains = queryContains
        self.afterRequests = afterRequests
        self.loseAnswerCount = loseAnswerCount
        self.failCount = failCount
        self.failStatus = failStatus
        self.cutCount = cutCount
        self.malformedCount = malformedCount
        self.latencyMilliseconds = latencyMilliseconds
        self.pathPrefix = pathPrefix
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        failCount = try c.decodeIfPresent(Int.self, forKey: .failCount) ?? 0
        failStatus = try c.decodeIfPresent(Int.self, forKey: .failStatus) ?? 500
        cutCount = try c.decodeIfPresent(Int.self, forKey: .cutCount) ?? 0
        malformedCount = try c.decodeIfPresent(Int.self, forKey: .malformedCount) ?? 0
        latencyMilliseconds = try c.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0
        pathPrefix = try c.decodeIfPresent(String.self, forKey: .pathPrefix)
        afterRequests = try c.decodeIfPresent(Int.self, forKey: .afterRequests) ?? 0
        loseAnswerCount = try c.decodeIfPresent(Int.self, forKey: .loseAnswerCount) ?? 0
        processThenFailCount = try c.decodeIfPresent(Int.self, forKey: .processThenFailCount) ?? 0
        queryContains = try c.decodeIfPresent(String.self, forKey: .queryContains)
    }

    /// The fault for the next request (counts down), or `nil`.
    mutating func next() -> Action? {
        if afterRequests > 0 {
            afterRequests -= 1
            return nil
        }
        if failCount > 0 {
            failCount -= 1
            return .status(failStatus)
        }
        if cutCount > 0 {
            cutCount -= 1
            return .cutConnection
        }
        if malformedCount > 0 {
            malformedCount -= 1
            return .malformedBody
        }
        if loseAnswerCount > 0 {
            loseAnswerCount -= 1
            return .processThenCut
        }
        if processThenFailCount > 0 {
            processThenFailCount -= 1
            return .processThenStatus(failStatus)
        }
        if latencyMilliseconds > 0 { return .delay(milliseconds: latencyMilliseconds) }
        return nil
    }
}
