import Foundation
import GRDB
import JoorModels

/// The state store: a SQLite file (WAL) recording every order received and delivered, and
/// what each job last did. It is the memory that makes delivery exactly-once.
public final class Ledger: Sendable {
    let db: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the ledger at `path`.
    public init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        db = try DatabaseQueue(path: path, configuration: configuration)
        try db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator.migrate(db)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE orders (
                        order_id TEXT NOT NULL,
                        version INTEGER NOT NULL DEFAULT 0,
                        state TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        date_modified TEXT,
                        reason TEXT,
                        files TEXT,
                        temps TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        received_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        delivered_at TEXT,
                        PRIMARY KEY (order_id, version)
                    );
                    CREATE INDEX orders_state ON orders(state);
                    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        job TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        outcome TEXT,
                        summary TEXT
                    );
                    """)
        }
        migrator.registerMigration("v2-inventory") { db in
            try db.execute(
                sql: """
                    CREATE TABLE inventory_positions (
                        position_key TEXT PRIMARY KEY,
                        quantity INTEGER NOT NULL,
                        source_modified REAL NOT NULL,
                        pushed_at TEXT NOT NULL
                    );
                    CREATE TABLE inbox_files (
                        fingerprint TEXT PRIMARY KEY,
                        job TEXT NOT NULL,
                        name TEXT NOT NULL,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        reason TEXT,
                        updated_at TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3-styles") { db in
            try db.execute(sql: "CREATE TABLE style_hashes (style_identifier TEXT PRIMARY KEY, hash TEXT NOT NULL, pushed_at TEXT NOT NULL)")
        }
        migrator.registerMigration("v4-sftp") { db in
            // One row per remote inbox file joorbridge has seen and not yet finished with, and per
            // outbox file being uploaded (see Ledger+Remote.swift).
            try db.execute(
                sql: """
                    CREATE TABLE remote_files (
                        remote_path TEXT PRIMARY KEY,
                        job TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        mtime INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        local_name TEXT,
                        seen_since REAL NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE TABLE remote_uploads (
                        local_name TEXT PRIMARY KEY,
                        remote_path TEXT NOT NULL,
                        status TEXT NOT NULL,
                        started_at TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v5-orders-held-routes") { db in
            // Orders left out by a filter are held (kept, listed, deliverable), not skipped; each
            // delivery records its route and outbox folder (recovery finishes it there); adopted
            // orders were delivered by a previous integration. Expected orders: what a run's
            // read-only look saw before its synchronising pull (the catch-up's evidence).
            try db.execute(
                sql: """
                    ALTER TABLE orders ADD COLUMN route TEXT;
                    ALTER TABLE orders ADD COLUMN outbox TEXT;
                    ALTER TABLE orders ADD COLUMN origin TEXT NOT NULL DEFAULT 'joor';
                    UPDATE orders SET state = 'held' WHERE state = 'skipped';
                    CREATE TABLE expected_orders (order_id TEXT PRIMARY KEY, date_modified TEXT);
                    """)
        }
        migrator.registerMigration("v6-cancellations") { db in
            // A delivered order JOOR cancelled gets one more entry of kind 'cancellation', written
            // like a delivery (same states, temporaries and recovery); an order cancelled before
            // it was delivered becomes 'cancelled' and is never delivered.
            try db.execute(sql: "ALTER TABLE orders ADD COLUMN kind TEXT NOT NULL DEFAULT 'order'")
        }
        return migrator
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
