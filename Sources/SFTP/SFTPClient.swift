import CLibSSH
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One file or folder in a remote listing.
public struct RemoteEntry: Sendable, Equatable {
    public var name: String
    public var size: UInt64
    /// Seconds since 1970.
    public var modified: UInt64
    public var isRegularFile: Bool
}

/// An SFTP connection through libssh: the host key is checked against a pin before anything
/// else, login is by key only, and files are written under a temporary name, then renamed, so a
/// reader on the server never sees half a file. Not thread-safe: one connection per job run.
public final class SFTPClient {
    public let location: SFTPLocation
    private var session: ssh_session?
    private var sftp: sftp_session?
    private let watchdog: Watchdog

    /// Connects, verifies the host key and logs in.
    public init(_ location: SFTPLocation) throws(SFTPError) {
        self.location = location
        watchdog = Watchdog(limit: .seconds(location.connectTimeoutSeconds))
        // A server that goes away mid-write must end in an error, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        guard let session = ssh_new() else { throw fail(.connection, "libssh could not create a session") }
        self.session = session
        var port = UInt32(location.port)
        var timeout = Int(location.connectTimeoutSeconds)
        var noConfig: Int32 = 0
        ssh_options_set(session, SSH_OPTIONS_HOST, location.host)
        ssh_options_set(session, SSH_OPTIONS_PORT, &port)
        ssh_options_set(session, SSH_OPTIONS_USER, location.user)
        ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout)
        ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &noConfig)
        // Every SFTP request waits for its answer: without TCP_NODELAY, Nagle's algorithm and
        // delayed ACKs add ~40 ms to each (a 64 MiB upload took 60 s instead of 1).
        var noDelay: Int32 = 1
        ssh_options_set(session, SSH_OPTIONS_NODELAY, &noDelay)
        if let known = location.knownHostsFile { ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, known) }
        guard ssh_connect(session) == SSH_OK else {
            throw fail(.connection, "cannot connect: \(lastError())")
        }
        // The handshake's remaining steps are bounded by the connect timeout, the rest by the operation timeout.
        watchdog.watch(fd: ssh_get_fd(session), limit: .seconds(location.connectTimeoutSeconds))
        watchdog.begin()
        defer { watchdog.end() }
        try verifyHostKey()
        try authenticate()
        // From now on the limit is per operation (libssh applies it to every blocking wait).
        var operationTimeout = Int(location.timeoutSeconds)
        ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &operationTimeout)
        guard let sftp = sftp_new(session) else { throw fail(.connection, "the server offers no SFTP: \(lastError())") }
        self.sftp = sftp
        guard sftp_init(sftp) == SSH_OK else {
            throw fail(.connection, watchdog.fired ? timedOut(location.connectTimeoutSeconds) : "the SFTP subsystem did not start: \(lastError())")
        }
        watchdog.setLimit(.seconds(location.timeoutSeconds))
    }

    /// Runs one operation under the watchdog: a server that does not answer within
    /// `timeoutSeconds` ends it with a connection error.
    private func guarded<T>(_ body: () throws(SFTPError) -> T) throws(SFTPError) -> T {
        watchdog.begin()
        defer { watchdog.end() }
        do {
            return try body()
        } catch {
            if watchdog.fired { throw SFTPError(.connection, server: location.server, path: error.path, message: timedOut(location.timeoutSeconds)) }
            throw error
        }
    }

    private func timedOut(_ seconds: Int) -> String {
        "the server did not answer within \(seconds) s; the connection was closed"
    }

    deinit { close() }

    /// Ends the session.
    public func close() {
        if let sftp { sftp_free(sftp) }
        sftp = nil
        if let session {
            ssh_disconnect(session)
            ssh_free(session)
        }
        session = nil
    }

    // MARK: Trust

    /// `SHA256:…` of the server's host key, as `ssh-keygen -lf` shows it.
    public private(set) var hostKeyFingerprint = ""

    private func verifyHostKey() throws(SFTPError) {
        var key: ssh_key?
        guard ssh_get_server_publickey(session, &key) == SSH_OK, let key else { throw fail(.hostKey, "the server sent no host key") }
        defer { ssh_key_free(key) }
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0, let bytes = hash else {
            throw fail(.hostKey, "cannot hash the host key")
        }
        let digest = Data(bytes: bytes, count: length)
        ssh_clean_pubkey_hash(&hash)
        hostKeyFingerprint = "SHA256:" + digest.base64EncodedString().trimmingCharacters(in: CharacterSet(charactersIn: "="))
        if let pinned = location.hostKeySHA256 {
            let expected = pinned.hasPrefix("SHA256:") ? pinned : "SHA256:" + pinned
            guard expected.trimmingCharacters(in: CharacterSet(charactersIn: "=")) == hostKeyFingerprint else {
                throw fail(
                    .hostKey,
                    "the server's host key is \(hostKeyFingerprint), not the pinned \(expected). If the server's key really changed, check with its administrator, then update host_key_sha256"
                )
            }
            return
        }
        guard location.knownHostsFile != nil else {
            throw fail(
                .hostKey,
                "no host key is pinned; the server's is \(hostKeyFingerprint). Verify it with the server's administrator and set host_key_sha256 (or known_hosts)"
            )
        }
        switch ssh_session_is_known_server(session) {
        case SSH_KNOWN_HOSTS_OK: return
        case SSH_KNOWN_HOSTS_CHANGED, SSH_KNOWN_HOSTS_OTHER:
            throw fail(
                .hostKey,
                "the server's host key (\(hostKeyFingerprint)) differs from the one in \(location.knownHostsFile!); refusing to connect (it may be an attack, or the server was reinstalled)"
            )
        default:
            throw fail(
                .hostKey,
                "the server is not in \(location.knownHostsFile!) (its key is \(hostKeyFingerprint)); add it after checking with its administrator")
        }
    }

    private func authenticate() throws(SFTPError) {
        var key: ssh_key?
        let imported = ssh_pki_import_privkey_file(location.keyFile, location.passphrase, nil, nil, &key)
        guard imported == SSH_OK, let key else {
            throw fail(
                .authentication,
                "cannot read the private key \(location.keyFile)"
                    + (location.passphrase == nil ? " (is it protected by a passphrase?)" : " (wrong passphrase?)"))
        }
        defer { ssh_key_free(key) }
        guard ssh_userauth_publickey(session, nil, key) == SSH_AUTH_SUCCESS.rawValue else {
            throw fail(.authentication, "the server refused the key \(location.keyFile) for \(location.user): \(lastError())")
        }
    }

    // MARK: Files

    /// The entries of a remote folder (without `.`, `..` and any name with a `/`).
    public func list(_ directory: String) throws(SFTPError) -> [RemoteEntry] {
        try guarded { () throws(SFTPError) in
            guard let dir = sftp_opendir(sftp, directory) else { throw sftpFailure(directory, "cannot list the folder") }
            defer { sftp_closedir(dir) }
            var entries: [RemoteEntry] = []
            while let attributes = sftp_readdir(sftp, dir) {
                defer { sftp_attributes_free(attributes) }
                let name = String(cString: attributes.pointee.name)
                // A name with a slash is not a name in this folder (a hostile server could send
                // `../../x` to reach outside the local folder it is copied into): never listed.
                if name == "." || name == ".." || name.isEmpty || name.contains("/") { continue }
                entries.append(
                    RemoteEntry(
                        name: name, size: attributes.pointee.size, modified: UInt64(attributes.pointee.mtime),
                        isRegularFile: attributes.pointee.type == UInt8(SSH_FILEXFER_TYPE_REGULAR)))
            }
            guard sftp_dir_eof(dir) == 1 else { throw sftpFailure(directory, "the listing broke off") }
            return entries
        }
    }

    /// Size and modification time of one remote file, or `nil` if it is not there.
    public func stat(_ path: String) throws(SFTPError) -> RemoteEntry? {
        try guarded { () throws(SFTPError) in
            guard let attributes = sftp_stat(sftp, path) else {
                if sftp_get_error(sftp) == SSH_FX_NO_SUCH_FILE { return nil }
                throw sftpFailure(path, "cannot read its attributes")
            }
            defer { sftp_attributes_free(attributes) }
            return RemoteEntry(
                name: (path as NSString).lastPathComponent, size: attributes.pointee.size, modified: UInt64(attributes.pointee.mtime),
                isRegularFile: attributes.pointee.type == UInt8(SSH_FILEXFER_TYPE_REGULAR))
        }
    }

    /// Copies a remote file to `localPath` atomically: into `.NAME.part` beside it, fsync, rename.
    /// `modified` (seconds since 1970) becomes the local file's modification time, so the copy
    /// keeps the age of the original. A dropped connection leaves no local file and the remote
    /// file where it was.
    public func download(_ remotePath: String, to localPath: String, modified: UInt64? = nil) throws(SFTPError) {
        try guarded { () throws(SFTPError) in
            guard let file = sftp_open(sftp, remotePath, O_RDONLY, 0) else { throw sftpFailure(remotePath, "cannot open it for reading") }
            defer { sftp_close(file) }
            let url = URL(fileURLWithPath: localPath)
            let partial = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".part").path
            let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw fail(.io, path: remotePath, "cannot create \(partial): \(String(cString: strerror(errno)))") }
            var ok = false
            defer {
                Foundation.close(fd)
                if !ok { unlink(partial) }
            }
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { sftp_read(file, $0.baseAddress, $0.count) }
                if n == 0 { break }
                guard n > 0 else { throw sftpFailure(remotePath, "the download broke off") }
                watchdog.begin()  // a block arrived: the server is answering
                var offset = 0
                while offset < n {
                    let written = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, n - offset) }
                    guard written > 0 else { throw fail(.io, path: remotePath, "cannot write \(partial): \(String(cString: strerror(errno)))") }
                    offset += written
                }
            }
            if let modified {
                var times = [timespec(tv_sec: Int(modified), tv_nsec: 0), timespec(tv_sec: Int(modified), tv_nsec: 0)]
                _ = futimens(fd, &times)
            }
            guard fsync(fd) == 0, Glibc.rename(partial, localPath) == 0 else {
                throw fail(.io, path: remotePath, "cannot finish \(localPath): \(String(cString: strerror(errno)))")
            }
            ok = true
        }
    }

    /// Uploads `localPath` into `directory` as `name`: written as `.NAME.tmp` first, then renamed,
    /// so the server never shows half a file. Never overwrites `name`.
    public func upload(_ localPath: String, to directory: String, as name: String) throws(SFTPError) {
        let target = directory + "/" + name
        let temporary = Self.temporary(for: target)
        if try stat(target) != nil { throw fail(.exists, path: target, "already exists on the server; joorbridge never overwrites a file") }
        try put(localPath, to: temporary)
        do {
            try rename(temporary, to: target)
        } catch {
            try? remove(temporary)
            throw error
        }
    }

    /// The last component of a remote path.
    public static func name(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

    /// Where ``upload(_:to:as:)`` writes `path` before renaming it: `.NAME.tmp` beside it.
    public static func temporary(for path: String) -> String {
        let name = name(path)
        return String(path.dropLast(name.count)) + "." + name + ".tmp"
    }

    /// Writes `localPath` to `remotePath` (created or truncated). Not atomic: callers write a
    /// temporary name this way and then ``rename(_:to:)`` it. A failed write removes what it wrote.
    public func put(_ localPath: String, to remotePath: String) throws(SFTPError) {
        try guarded { () throws(SFTPError) in
            let fd = open(localPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw fail(.io, path: remotePath, "cannot read \(localPath): \(String(cString: strerror(errno)))") }
            defer { Foundation.close(fd) }
            guard let file = sftp_open(sftp, remotePath, O_WRONLY | O_CREAT | O_TRUNC, 0o640) else {
                throw sftpFailure(remotePath, "cannot create the file")
            }
            var closed = false
            var done = false
            defer {
                if !closed { sftp_close(file) }
                if !done { sftp_unlink(sftp, remotePath) }
            }
            var buffer = [UInt8](repeating: 0, count: 32 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n == 0 { break }
                guard n > 0 else { throw fail(.io, path: remotePath, "cannot read \(localPath): \(String(cString: strerror(errno)))") }
                let sent = buffer.withUnsafeBytes { sftp_write(file, $0.baseAddress, n) }
                guard sent == n else { throw sftpFailure(remotePath, "the upload broke off") }
                watchdog.begin()  // a block was accepted: the server is answering
            }
            closed = true
            guard sftp_close(file) == SSH_OK else { throw sftpFailure(remotePath, "the server did not confirm the upload") }
            done = true
        }
    }

    /// Renames a remote file (into an archive folder, say). SFTP's rename fails when the target
    /// exists, so nothing is ever overwritten.
    public func rename(_ from: String, to: String) throws(SFTPError) {
        try guarded { () throws(SFTPError) in
            guard sftp_rename(sftp, from, to) == SSH_OK else { throw sftpFailure(from, "cannot move it to \(to)") }
        }
    }

    /// Deletes a remote file.
    public func remove(_ path: String) throws(SFTPError) {
        try guarded { () throws(SFTPError) in
            guard sftp_unlink(sftp, path) == SSH_OK else { throw sftpFailure(path, "cannot delete it") }
        }
    }

    /// Creates a remote folder; an existing one is fine.
    public func makeDirectory(_ path: String) throws(SFTPError) {
        try guarded { () throws(SFTPError) in
            if sftp_mkdir(sftp, path, 0o750) == SSH_OK { return }
            if let existing = try stat(path), !existing.isRegularFile { return }
            throw sftpFailure(path, "cannot create the folder")
        }
    }

    // MARK: Errors

    private func lastError() -> String {
        session.map { String(cString: ssh_get_error(UnsafeMutableRawPointer($0))) } ?? "no session"
    }

    private func fail(_ kind: SFTPError.Kind, path: String? = nil, _ message: String) -> SFTPError {
        SFTPError(kind, server: location.server, path: path, message: message)
    }

    private func sftpFailure(_ path: String, _ what: String) -> SFTPError {
        let code = sftp.map { sftp_get_error($0) } ?? -1
        switch code {
        case SSH_FX_NO_SUCH_FILE, SSH_FX_NO_SUCH_PATH: return fail(.notFound, path: path, "\(what): no such file or folder")
        case SSH_FX_PERMISSION_DENIED, SSH_FX_WRITE_PROTECT: return fail(.permissionDenied, path: path, "\(what): permission denied")
        case SSH_FX_FILE_ALREADY_EXISTS: return fail(.exists, path: path, "\(what): it already exists")
        case SSH_FX_NO_CONNECTION, SSH_FX_CONNECTION_LOST: return fail(.connection, path: path, "\(what): the connection was lost")
        default:
            let detail = lastError()
            let lost = session.map { ssh_is_connected($0) == 0 } ?? true
            return fail(lost ? .connection : .io, path: path, "\(what): \(detail.isEmpty ? "SFTP error \(code)" : detail)")
        }
    }
}
