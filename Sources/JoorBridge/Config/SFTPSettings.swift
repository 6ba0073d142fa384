import Foundation
import Mapping
import SFTP

/// The `sftp:` section: how to log in to, and trust, the server of an `sftp://` inbox or outbox.
///
/// ```yaml
/// folders:
///   inbox: sftp://joor@wms.example.com:22/exports     # downloaded into processing/, then archived there
///   outbox: sftp://joor@wms.example.com/imports       # written to outbox/ here, then uploaded
/// sftp:
///   key_file: /etc/joorbridge/id_ed25519
///   passphrase_env: JOORBRIDGE_SFTP_PASSPHRASE        # only if the key has a passphrase
///   host_key_sha256: "SHA256:…"                       # or known_hosts: /etc/joorbridge/known_hosts
///   after_download: archive                           # or delete
/// ```
public struct SFTPSettings: Sendable {
    public enum AfterDownload: String, Sendable, CaseIterable {
        /// Move the remote file into `remote_archive` once JOOR accepted it.
        case archive
        /// Delete the remote file once JOOR accepted it (the local archive keeps a copy).
        case delete
    }

    /// The private key (OpenSSH format). Password logins are not offered.
    public var keyFile: String
    /// The environment variable holding the key's passphrase, if it has one.
    public var passphraseEnv: String?
    /// The server's host key as `ssh-keygen -lf` prints it (`SHA256:…`) …
    public var hostKeySHA256: String?
    /// … or a known_hosts file listing the server.
    public var knownHosts: String?
    public var connectTimeoutSeconds = 15
    public var timeoutSeconds = 60
    public var afterDownload = AfterDownload.archive
    /// Where accepted files go on the server; default `archive/` inside the remote inbox.
    public var remoteArchive: String?
    /// Where files that could not be used go on the server; default `error/` inside the remote inbox.
    public var remoteError: String?
}

extension BridgeConfig {
    /// The remote folder at `url` with the `sftp:` settings and the key's passphrase.
    public func sftpLocation(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> SFTPLocation {
        guard let settings = sftp, var location = SFTPLocation(url: url, keyFile: settings.keyFile) else {
            throw .missingSFTPSection(config: path, url: url)
        }
        // Like OpenSSH: a private key others can read is refused (and so is one that is not there).
        guard let status = FileSystem.status(settings.keyFile), FileSystem.isReadable(settings.keyFile) else {
            throw .unusableSecretFile(
                config: path, what: "sftp.key_file \(settings.keyFile)", file: settings.keyFile,
                problem: .unreadable(hint: "create a key with `ssh-keygen -t ed25519 -f \(settings.keyFile)` and give the server its .pub"))
        }
        if status.isSharedWithOthers {
            throw .unusableSecretFile(
                config: path, what: "sftp.key_file \(settings.keyFile)", file: settings.keyFile, problem: .exposed(mode: status.permissions))
        }
        if let name = settings.passphraseEnv {
            guard let passphrase = environment[name], !passphrase.isEmpty else {
                throw .missingPassphrase(config: path, variable: name)
            }
            location.passphrase = passphrase
        }
        location.hostKeySHA256 = settings.hostKeySHA256
        location.knownHostsFile = settings.knownHosts
        location.connectTimeoutSeconds = settings.connectTimeoutSeconds
        location.timeoutSeconds = settings.timeoutSeconds
        return location
    }
}
