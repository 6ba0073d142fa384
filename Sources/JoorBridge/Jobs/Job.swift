/// A job joorbridge runs.
public enum Job: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// JOOR orders (and their customers) into the outbox.
    case orders
    /// Stock exports from the inbox into JOOR.
    case inventory
    /// Product exports from the inbox into JOOR.
    case products

    public var description: String { rawValue }
}

/// How one job ended.
public enum JobOutcome: String, Sendable, Codable, CustomStringConvertible {
    /// Everything done.
    case ok
    /// Done, but some records, files or orders were rejected (or the SFTP server had problems).
    case partial
    /// The job stopped with an error.
    case failed

    public var description: String { rawValue }
}

/// How a run ended, from all done to the most serious. The command-line tool turns it into an exit
/// code; the library never chooses one.
public enum RunStatus: String, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Every job did all its work.
    case done
    /// Done, but some records, files or orders were rejected (or a job failed for a reason of its own).
    case partial
    /// JOOR could not be reached, or rejected the API token.
    case unavailable
    /// Another run holds the lock: nothing was done.
    case locked
    /// The configuration or a mapping is invalid: nothing (more) was done.
    case invalidConfig = "invalid_config"

    public var description: String { rawValue }

    /// Whether the run needs someone's attention (a held lock does not: the other run works).
    public var isProblem: Bool { self != .done && self != .locked }

    /// Most serious last: a run keeps the most serious status any job reached.
    private var severity: Int {
        switch self {
        case .done: 0
        case .partial: 1
        case .unavailable: 2
        case .locked: 3
        case .invalidConfig: 4
        }
    }

    public static func < (a: RunStatus, b: RunStatus) -> Bool { a.severity < b.severity }
}
