import Foundation
import GRDB
import JoorModels

/// Where an inbox file is, by its content.
public enum InboxFileStatus: String, Sendable, Codable {
    /// Taken: being pushed (or a run crashed pushing it).
    case processing
    /// JOOR accepted it: the same content again is archived without pushing.
    case pushed
    /// Broken or given up on: it is in `error/`.
    case failed
}

/// How far an upload to an SFTP outbox got.
public enum UploadStatus: String, Sendable, Codable {
    /// Being written under its temporary name on the server.
    case writing
    /// Written whole; the rename to its final name is under way.
    case renaming
}

extension Ledger {
    /// What the ledger holds for these positions (one query per call; callers pass a batch).
    public func pushedPositions(_ keys: [String]) throws -> [String: (quantity: Int, sourceModified: Double)] {
        var result: [String: (Int, Double)] = [:]
        try forEachRow("SELECT position_key, quantity, source_modified FROM inventory_positions", where: "position_key", in: keys) { row in
            result[row["position_key"]] = (row["quantity"], row["source_modified"])
        }
        return result
    }

    /// Records quantities JOOR accepted (one transaction per batch). With `replacingAll` (the
    /// request that replaced JOOR's whole inventory) every other position is forgotten first.
    public func recordPushed(_ items: [InventoryItem], sourceModified: Double, replacingAll: Bool = false) throws {
        let now = Self.timestamp(Date())
        try db.write { db in
            if replacingAll { try db.execute(sql: "DELETE FROM inventory_positions") }
            for item in items {
                try db.execute(
                    sql: """
                        INSERT INTO inventory_positions(position_key, quantity, source_modified, pushed_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT(position_key) DO UPDATE SET quantity = excluded.quantity, source_modified = excluded.source_modified, pushed_at = excluded.pushed_at
                        """, arguments: [item.positionKey, item.inventory, sourceModified, now])
            }
        }
    }

    /// What the ledger knows of an inbox file by content: its status and attempts.
    public func inboxFile(_ fingerprint: String) throws -> (status: InboxFileStatus, attempts: Int)? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT status, attempts FROM inbox_files WHERE fingerprint = ?", arguments: [fingerprint])
                .map { (InboxFileStatus(rawValue: $0["status"]) ?? .processing, $0["attempts"]) }
        }
    }

    /// Whether a file with this content is the last one of `job` that JOOR took: sending it again
    /// would change nothing. (One pushed before another file came is not: `X,5` after `X,3`
    /// after `X,5` must send the 5 again, and so after a `X,3` file JOOR took only in part before
    /// it failed or was quarantined: any later file of the job counts that may have sent
    /// something, all but those refused or broken before sending, `failed` without an attempt.)
    /// "Later" is by the order of recording (`sequence`), not by the clock.
    public func isLastPushed(_ fingerprint: String, job: Job) throws -> Bool {
        try db.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT NOT EXISTS (SELECT 1 FROM inbox_files later WHERE later.job = this.job
                        AND (later.status != 'failed' OR later.attempts > 0)
                        AND later.fingerprint != this.fingerprint AND later.sequence > this.sequence)
                    FROM inbox_files this WHERE this.fingerprint = ? AND this.job = ? AND this.status = 'pushed'
                    """, arguments: [fingerprint, job.rawValue]) ?? false
        }
    }

    /// Records what became of an inbox file. `attempt` counts one more failed try; a file taken
    /// again after it was done with (quarantined and moved back, or pushed and sent again) starts
    /// again from no attempts.
    public func recordInboxFile(
        _ fingerprint: String, job: Job, name: String, status: InboxFileStatus, reason: String? = nil, attempt: Bool = false
    ) throws {
        try db.write { db in
            try db.execute(
                sql: """
                    INSERT INTO inbox_files(fingerprint, job, name, status, attempts, reason, updated_at, sequence)
                        VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(sequence), 0) + 1 FROM inbox_files))
                    ON CONFLICT(fingerprint) DO UPDATE SET name = excluded.name, status = excluded.status, reason = excluded.reason,
                        attempts = (CASE WHEN excluded.status = 'processing' AND inbox_files.status != 'processing' THEN 0
                            ELSE inbox_files.attempts END) + ?, updated_at = excluded.updated_at, sequence = excluded.sequence
                    """,
                arguments: [fingerprint, job.rawValue, name, status.rawValue, attempt ? 1 : 0, reason, Self.timestamp(Date()), attempt ? 1 : 0])
        }
    }
}

extension Ledger {
    /// When JOOR last accepted an inventory quantity (ISO 8601), or `nil`.
    public func lastInventoryPush() throws -> String? {
        try db.read { db in try String.fetchOne(db, sql: "SELECT MAX(pushed_at) FROM inventory_positions") }
    }
}
