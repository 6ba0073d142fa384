import Foundation
import GRDB
import JoorModels

/// The state store: a SQLite file (WAL) recording every order received and delivered, and
/// what each job last did. It is the memory that makes delivery exactly-once.
public final class Ledger: Sendable {
    let db: DatabaseQueue
    public let path: String

    /// Opens (or creates) the state store at `path` and brings its schema up to date.
    /// - Throws: ``StateStoreError`` naming the file and what failed.
    public init(path: String) throws(StateStoreError) {
        self.path = path
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            db = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StateStoreError(path: path, reason: FileSystemError.describe(error))
        }
        // A newer joorbridge's state: this one would write it without what the newer one keeps
        // up to date (rows it could later misread), so it is left alone.
        let unknown: [String]
        do {
            unknown = try db.read { db in try Self.migrator.appliedIdentifiers(db).subtracting(Self.migrations.map(\.name)).sorted() }
        } catch {
            throw StateStoreError(path: path, reason: FileSystemError.describe(error))
        }
        guard unknown.isEmpty else {
            throw StateStoreError(
                path: path, reason: "a newer joorbridge set it up (\(unknown.joined(separator: ", ")))",
                fix: "run that version or a newer one; this one would misread what it keeps")
        }
        do {
            try db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrator.migrate(db)
        } catch {
            throw StateStoreError(path: path, reason: FileSystemError.describe(error))
        }
    }

    // MARK: Key-value

    public func value(_ key: String) throws -> String? {
        try db.read { db in try String.fetchOne(db, sql: "SELECT value FROM kv WHERE key = ?", arguments: [key]) }
    }

    public func set(_ key: String, _ value: String?) throws {
        try db.write { db in
            if let value {
                try db.execute(
                    sql: "INSERT INTO kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [key, value])
            } else {
                try db.execute(sql: "DELETE FROM kv WHERE key = ?", arguments: [key])
            }
        }
    }

    // MARK: Runs

    /// Records the start of a job run; returns its id.
    public func startRun(job: Job, at date: Date = Date()) throws -> Int64 {
        try db.write { db in
            try db.execute(sql: "INSERT INTO runs(job, started_at) VALUES (?, ?)", arguments: [job.rawValue, Self.timestamp(date)])
            return db.lastInsertedRowID
        }
    }

    public func finishRun(_ id: Int64, outcome: JobOutcome, summary: String, at date: Date = Date()) throws {
        try db.write { db in
            try db.execute(
                sql: "UPDATE runs SET finished_at = ?, outcome = ?, summary = ? WHERE id = ?",
                arguments: [Self.timestamp(date), outcome.rawValue, summary, id])
        }
    }

    /// The last run of each job: (job, started, finished, outcome, summary JSON).
    public func lastRuns() throws -> [(job: String, startedAt: String, finishedAt: String?, outcome: String?, summary: String?)] {
        try db.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT job, started_at, finished_at, outcome, summary FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY job) ORDER BY job"
            )
            .map { ($0["job"], $0["started_at"], $0["finished_at"], $0["outcome"], $0["summary"]) }
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

extension Ledger {
    /// Drops a run from the history (watch mode's quiet looks at an empty inbox).
    public func forgetRun(_ id: Int64) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id]) }
    }
}

extension Ledger {
    /// Runs `select` for the rows whose `column` is one of `keys`, 500 keys to a query (well
    /// inside SQLite's limit on arguments), in one read, handing each row to `body`.
    func forEachRow(_ select: String, where column: String, in keys: [String], _ body: (Row) throws -> Void) throws {
        guard !keys.isEmpty else { return }
        try db.read { db in
            for start in stride(from: 0, to: keys.count, by: 500) {
                let part = Array(keys[start..<min(start + 500, keys.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "\(select) WHERE \(column) IN (\(marks))", arguments: StatementArguments(part)) {
                    try body(row)
                }
            }
        }
    }
}
