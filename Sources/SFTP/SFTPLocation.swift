import Foundation

/// Where a remote folder is: `sftp://user@host:port/path`, and how to trust and log in to it.
public struct SFTPLocation: Sendable, Equatable {
    public var user: String
    public var host: String
    public var port: Int
    /// The folder on the server (absolute).
    public var path: String
    /// The private key file (OpenSSH format); its passphrase comes from `passphrase`, never a file.
    public var keyFile: String
    public var passphrase: String?
    /// The pinned host key: `SHA256:…` as `ssh-keygen -lf` prints it …
    public var hostKeySHA256: String?
    /// … or a known_hosts file that lists the server.
    public var knownHostsFile: String?
    /// How long connecting (and the SSH handshake) may take, in seconds.
    public var connectTimeoutSeconds: Int = 15
    /// How long any single operation (a listing, one block of a transfer) may wait for the server.
    public var timeoutSeconds: Int = 60

    /// Parses `sftp://user@host[:port]/path`; `nil` when `url` is not such a URL (one with a
    /// password is not: logging in is by key only, and the password would be dropped unseen).
    public init?(url: String, keyFile: String, passphrase: String? = nil, hostKeySHA256: String? = nil, knownHostsFile: String? = nil) {
        guard let parts = URLComponents(string: url), parts.scheme == "sftp", let host = parts.host, !host.isEmpty,
            let user = parts.user, !user.isEmpty, parts.password == nil
        else { return nil }
        self.user = user
        self.host = host
        port = parts.port ?? 22
        path = parts.path.isEmpty ? "/" : parts.path.removingPercentEncoding ?? parts.path
        self.keyFile = keyFile
        self.passphrase = passphrase
        self.hostKeySHA256 = hostKeySHA256
        self.knownHostsFile = knownHostsFile
    }

    /// The same server, another folder on it.
    public func with(path: String) -> SFTPLocation {
        var copy = self
        copy.path = path
        return copy
    }

    /// `user@host:port`, for messages (never the passphrase).
    public var server: String { "\(user)@\(host):\(port)" }
}

extension SFTPLocation: CustomStringConvertible, CustomDebugStringConvertible {
    /// `sftp://user@host:port/path`: what a log line may show. The passphrase is never part of it.
    public var description: String { "sftp://\(server)\(path)" }
    public var debugDescription: String { description }
}
