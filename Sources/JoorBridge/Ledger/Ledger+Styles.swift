import Foundation
import GRDB

extension Ledger {
    /// The content hash of each style as last accepted by JOOR.
    public func styleHashes() throws -> [String: String] {
        try db.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT style_identifier, hash FROM style_hashes").map {
                    ($0["style_identifier"], $0["hash"])
                })
        }
    }

    public func recordStyles(_ hashes: [String: String]) throws {
        let now = Self.timestamp(Date())
        try db.write { db in
            for (identifier, hash) in hashes {
                try db.execute(
                    sql: """
                        INSERT INTO style_hashes(style_identifier, hash, pushed_at) VALUES (?, ?, ?)
                        ON CONFLICT(style_identifier) DO UPDATE SET hash = excluded.hash, pushed_at = excluded.pushed_at
                        """, arguments: [identifier, hash, now])
            }
        }
    }
}
