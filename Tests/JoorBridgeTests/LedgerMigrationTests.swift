import Foundation
import GRDB
import TestSupport
import Testing

@testable import JoorBridge

/// A state file from an earlier release opens and keeps its meaning.
@Suite("Ledger migrations")
struct LedgerMigrationTests {
    /// v8 numbers the inbox files an older state file holds by the time they were recorded: what
    /// was last pushed before the upgrade is still last after it.
    @Test func inboxFilesRecordedBeforeTheSequenceKeepTheirOrder() throws {
        let dir = try TemporaryDirectory("migration")
        let path = dir.path("joorbridge.sqlite")
        let old = try DatabaseQueue(path: path)
        try Ledger.migrator.migrate(old, upTo: "v7-outbox-temporaries")
        try old.write { db in
            // Inserted out of time order: the rowid must not decide.
            for (fingerprint, time) in [("b", "2026-11-02T10:00:00.000Z"), ("a", "2026-11-01T10:00:00.000Z"), ("c", "2026-11-03T10:00:00.000Z")] {
                try db.execute(
                    sql: "INSERT INTO inbox_files(fingerprint, job, name, status, updated_at) VALUES (?, 'inventory', ?, 'pushed', ?)",
                    arguments: [fingerprint, fingerprint + ".csv", time])
            }
        }
        try old.close()

        let ledger = try Ledger(path: path)
        let order = try ledger.db.read { db in try String.fetchAll(db, sql: "SELECT fingerprint FROM inbox_files ORDER BY sequence") }
        #expect(order == ["a", "b", "c"])
        #expect(try ledger.isLastPushed("c", job: .inventory) && !ledger.isLastPushed("b", job: .inventory))
        try ledger.recordInboxFile("a", job: .inventory, name: "a.csv", status: .pushed)
        #expect(try ledger.isLastPushed("a", job: .inventory) && !ledger.isLastPushed("c", job: .inventory), "a recorded after c is last")
    }
}
