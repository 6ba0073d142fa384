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

    /// The content hashes JOOR last accepted for these styles, read a few hundred at a time, so
    /// that memory goes with a batch, not with the catalogue. Looked up by the spelling
    /// ``recordStyles(_:)`` stores (NFC); a style an earlier release stored under another spelling
    /// is not found, and so sent once more.
    public func styleHashes(of identifiers: [String]) throws -> [String: String] {
        let keys = Dictionary(identifiers.map { ($0.precomposedStringWithCanonicalMapping, $0) }, uniquingKeysWith: { first, _ in first })
        var hashes: [String: String] = [:]
        try forEachRow("SELECT style_identifier, hash FROM style_hashes", where: "style_identifier", in: Array(keys.keys)) { row in
            if let original = keys[row["style_identifier"]] { hashes[original] = row["hash"] }
        }
        return hashes
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
