import Foundation
import Mapping
import SFTP

/// What `joorbridge check --connect` found at one `sftp://` folder.
public struct RemoteProbe: Sendable {
    /// `inbox` or `outbox`.
    public var role: String
    public var url: String
    /// What was verified, when everything was.
    public var confirmed: String?
    /// What went wrong, with what to do.
    public var problem: String?
}

extension BridgeConfig {
    /// Logs in to every `sftp://` folder of the config (host key, key, passphrase) and looks at
    /// the folder, changing nothing on the server.
    public func probeRemoteFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [RemoteProbe] {
        [("inbox", folders.remoteInbox), ("outbox", folders.remoteOutbox)].compactMap { role, url in
            guard let url else { return nil }
            var probe = RemoteProbe(role: role, url: url)
            do {
                let location = try sftpLocation(url, environment: environment)
                let connection = SFTPConnection(location)
                defer { connection.close() }
                let (fingerprint, folder) = try connection.perform { client throws(SFTPError) in
                    (client.hostKeyFingerprint, try client.stat(connection.folder))
                }
                guard let folder, !folder.isRegularFile else {
                    probe.problem = "\(connection.describe(connection.folder)): no such folder on the server; create it, or fix the path in folders.\(role)"
                    return probe
                }
                probe.confirmed = "logged in as \(location.user), host key \(fingerprint) trusted, the folder is there"
            } catch {
                probe.problem = "\(error)"
            }
            return probe
        }
    }
}
