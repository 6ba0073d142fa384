import Foundation
import GRDB

extension Ledger {
    /// The content hash of each style as last accepted by JOOR. Identifiers are compared as
    /// Swift compares text (an accent typed one way or the other is the same style); where an
    /// earlier release stored one style under two spellings, the latest push counts.
    public func styleHashes() throws -> [String: String] {
        try db.read { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT style_identifier, hash FROM style_hashes ORDER BY pushed_at").map {
                    ($0["style_identifier"], $0["hash"])
                }, uniquingKeysWith: { _, later in later })
        }
    }

    /// Records the hashes JOOR accepted, under one spelling per identifier (NFC), so SQLite,
    /// which compares bytes, keeps one row per style.
    public func recordStyles(_ hashes: [String: String]) throws {
        let now = Self.timestamp(Date())
        try db.write { db in
            for (raw, hash) in hashes {
                let identifier = raw.precomposedStringWithCanonicalMapping
                try db.execute(
                    sql: """
                        INSERT INTO style_hashes(style_identifier, hash, pushed_at) VALUES (?, ?, ?)
                        ON CONFLICT(style_identifier) DO UPDATE SET hash = excluded.hash, pushed_at = excluded.pushed_at
                        """, arguments: [identifier, hash, now])
            }
        }
    }
}
