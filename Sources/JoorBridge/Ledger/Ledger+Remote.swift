import Foundation
import GRDB

/// A file in a remote (SFTP) inbox, as far as joorbridge has got with it.
public struct RemoteFileRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Listed, with this size and modification time since `seenSince`; not taken yet.
        case seen
        /// Being copied into `processing/` as `localName`.
        case downloading
        /// In `processing/` as `localName`; the job has not finished with it.
        case downloaded
        /// JOOR accepted it: the remote file is to be archived (or deleted).
        case accepted
        /// It could not be used (broken, or quarantined): the remote file is to go to the remote error folder.
        case rejected
    }

    public var remotePath: String
    public var job: Job
    public var size: UInt64
    public var mtime: UInt64
    public var status: Status
    public var localName: String?
    /// When a listing first showed this size and modification time.
    public var seenSince: Double
}

extension Ledger {
    /// Every remote inbox file joorbridge has seen and not finished with, by remote path.
    public func remoteFiles() throws -> [String: RemoteFileRecord] {
        try db.read { db in
            var records: [String: RemoteFileRecord] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM remote_files") {
                let status = RemoteFileRecord.Status(rawValue: row["status"]) ?? .seen
                let record = RemoteFileRecord(
                    remotePath: row["remote_path"], job: Job(rawValue: row["job"]) ?? .inventory, size: UInt64(row["size"] as Int64),
                    mtime: UInt64(row["mtime"] as Int64),
                    status: status, localName: row["local_name"], seenSince: row["seen_since"])
                records[record.remotePath] = record
            }
            return records
        }
    }

    /// Records a listing's view of a file (a new file, or one whose size or time changed).
    public func recordRemoteSeen(_ path: String, job: Job, size: UInt64, mtime: UInt64, at date: Date = Date()) throws {
        try db.write { db in
            try db.execute(
                sql: """
                    INSERT INTO remote_files(remote_path, job, size, mtime, status, seen_since, updated_at) VALUES (?, ?, ?, ?, 'seen', ?, ?)
                    ON CONFLICT(remote_path) DO UPDATE SET job = excluded.job, size = excluded.size, mtime = excluded.mtime,
                        status = 'seen', local_name = NULL, seen_since = excluded.seen_since, updated_at = excluded.updated_at
                    """, arguments: [path, job.rawValue, Int64(size), Int64(mtime), date.timeIntervalSince1970, Self.timestamp(date)])
        }
    }

    /// Moves a remote file's record on (and names its copy in `processing/`, if given).
    public func setRemoteStatus(_ path: String, _ status: RemoteFileRecord.Status, localName: String? = nil) throws {
        try db.write { db in
            try db.execute(
                sql: "UPDATE remote_files SET status = ?, local_name = COALESCE(?, local_name), updated_at = ? WHERE remote_path = ?",
                arguments: [status.rawValue, localName, Self.timestamp(Date()), path])
        }
    }

    /// The remote file that became `processing/NAME` (and is not finished with yet).
    public func remoteFile(localName: String) throws -> RemoteFileRecord? {
        try remoteFiles().values.first { $0.localName == localName && ($0.status == .downloading || $0.status == .downloaded) }
    }

    /// Drops a remote file's record: it is finished with, or gone from the server.
    public func forgetRemote(_ path: String) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM remote_files WHERE remote_path = ?", arguments: [path]) }
    }

    // MARK: Uploads

    /// Records that `localName` is being uploaded as `remotePath`: `writing` its temporary, then
    /// `renaming` it (so after a crash the temporary's presence tells whether the rename happened).
    public func recordUpload(_ localName: String, as remotePath: String, status: UploadStatus) throws {
        try db.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO remote_uploads(local_name, remote_path, status, started_at) VALUES (?, ?, ?, ?)",
                arguments: [localName, remotePath, status.rawValue, Self.timestamp(Date())])
        }
    }

    /// Where an unfinished upload of `localName` was going, and how far it got.
    public func upload(_ localName: String) throws -> (remotePath: String, status: UploadStatus)? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT remote_path, status FROM remote_uploads WHERE local_name = ?", arguments: [localName])
                .map { ($0["remote_path"], UploadStatus(rawValue: $0["status"]) ?? .writing) }
        }
    }

    /// The local names of the uploads not yet finished.
    public func uploadNames() throws -> [String] {
        try db.read { db in try String.fetchAll(db, sql: "SELECT local_name FROM remote_uploads ORDER BY local_name") }
    }

    /// The upload of `localName` is complete (the file is on the server, the local copy archived).
    public func finishUpload(_ localName: String) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM remote_uploads WHERE local_name = ?", arguments: [localName]) }
    }
}
