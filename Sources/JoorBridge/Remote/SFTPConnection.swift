import Foundation
import SFTP

/// One SFTP login for a job run: opened on first use, dropped after a connection error (the next
/// use logs in again), closed at the end of the job.
final class SFTPConnection: @unchecked Sendable {
    let location: SFTPLocation
    private var client: SFTPClient?

    init(_ location: SFTPLocation) { self.location = location }

    /// The configured folder on the server, without a trailing slash.
    var folder: String { location.path.count > 1 && location.path.hasSuffix("/") ? String(location.path.dropLast()) : location.path }

    /// `sftp://user@host:port/path`, for messages.
    func describe(_ path: String) -> String { "sftp://\(location.server)\(path)" }

    /// Runs `body` with a logged-in client.
    func perform<T>(_ body: (SFTPClient) throws(SFTPError) -> T) throws(SFTPError) -> T {
        let client: SFTPClient
        if let open = self.client {
            client = open
        } else {
            client = try SFTPClient(location)
            self.client = client
        }
        do {
            return try body(client)
        } catch {
            if error.kind == .connection { close() }
            throw error
        }
    }

    func close() {
        client?.close()
        client = nil
    }

    deinit { close() }
}

/// What the SFTP side of a job did, for the run summary and `--report`.
public struct SFTPReport: Sendable, Codable, Equatable {
    /// Remote inbox files copied into `processing/`.
    public var downloaded = 0
    /// Remote inbox files moved into the remote archive (or deleted) after JOOR accepted them.
    public var archivedRemotely = 0
    /// Remote inbox files moved into the remote error folder.
    public var movedToRemoteError = 0
    /// Outbox files uploaded.
    public var uploaded = 0
    /// Remote files not taken yet: still growing, without their done marker, or name in use.
    public var waiting: [String] = []
    /// What went wrong with the server (the run ends partial; the work waits for the next run).
    public var problems: [String] = []

    public var isEmpty: Bool { self == SFTPReport() }
}
