import Foundation

/// A real OpenSSH server on a loopback port for the tests: throwaway host and user keys, its own
/// config, serving SFTP over a temporary folder. `.ci/run` installs openssh-server.
public final class SSHServer: @unchecked Sendable {
    public static let sshd = "/usr/sbin/sshd"
    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: sshd) && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")
    }

    public let dir: TemporaryDirectory
    public let port: Int
    private var pid: pid_t?
    public var user: String { NSUserName() }
    /// The folder the tests use on the "server" (a plain local path; sshd serves the whole file system).
    public var root: String { dir.path("remote") }
    public var userKey: String { dir.path("user_key") }
    public var hostKeyPublic: String { dir.path("host_key.pub") }
    /// A second authorised key, protected by ``passphrase``.
    public var passphraseKey: String { dir.path("passphrase_key") }
    public static let passphrase = "correct horse battery staple"

    /// Serve SFTP read-only (`internal-sftp -R`): every write, rename or delete is refused with
    /// permission denied (permissions cannot be used for that when the tests run as root).
    public var readOnly = false

    public init() throws {
        dir = try TemporaryDirectory("sshd")
        try FileManager.default.createDirectory(atPath: dir.path("remote"), withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for key in ["host_key", "user_key", "other_key"] {
            try Self.shell("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", dir.path(key)])
        }
        try Self.shell("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", Self.passphrase, "-f", dir.path("passphrase_key")])
        let authorized =
            try String(contentsOfFile: dir.path("user_key.pub"), encoding: .utf8)
            + String(contentsOfFile: dir.path("passphrase_key.pub"), encoding: .utf8)
        try dir.write("authorized_keys", text: authorized)
        port = Self.freePort()
        try start()
    }

    public func start() throws {
        try dir.write(
            "sshd_config",
            text: """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(dir.path("host_key"))
                AuthorizedKeysFile \(dir.path("authorized_keys"))
                PidFile \(dir.path("sshd.pid"))
                UsePAM no
                StrictModes no
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                Subsystem sftp internal-sftp\(readOnly ? " -R" : "")
                LogLevel ERROR
                """)
        pid = try Spawn.start(Self.sshd, ["-D", "-e", "-f", dir.path("sshd_config")], stderr: dir.path("sshd.log"))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !Self.accepts(port) { usleep(20_000) }
    }

    /// Starts a server without blocking Swift's cooperative pool (an in-process JOOR sandbox of a
    /// test running alongside needs those threads).
    public static func started() async throws -> SSHServer {
        try await Executable.offPool { try SSHServer() }
    }

    /// ``start()`` and ``stop()`` off the cooperative pool.
    public func restart(readOnly: Bool? = nil) async throws {
        try await Executable.offPool { [self] in
            stop()
            if let readOnly { self.readOnly = readOnly }
            try start()
        }
    }

    public func stopped() async {
        _ = try? await Executable.offPool { [self] in stop() }
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) every session the server serves: a server that
    /// stalls mid-operation.
    public func freezeSessions(_ frozen: Bool) {
        guard let pid else { return }
        func signalTree(_ parent: Int32) {
            let children = (try? Self.shell("/usr/bin/pgrep", ["-P", String(parent)])) ?? ""
            for child in children.split(separator: "\n").compactMap({ Int32($0) }) {
                signalTree(child)
                kill(child, frozen ? SIGSTOP : SIGCONT)
            }
        }
        signalTree(pid)
    }

    /// Stops the server and every session it serves (as if the machine went away).
    public func stop() {
        guard let pid else { return }
        Self.killTree(pid)
        Spawn.wait(pid)
        self.pid = nil
    }

    deinit { stop() }

    /// `SHA256:…` of the host key, as `ssh-keygen -lf` prints it.
    public func hostKeyFingerprint() throws -> String {
        let out = try Self.shell("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", hostKeyPublic])
        return String(out.split(separator: " ")[1])
    }

    /// A known_hosts file listing this server with `keyFile`'s public key.
    public func knownHosts(with publicKeyFile: String) throws -> String {
        let key = try String(contentsOfFile: publicKeyFile, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        return try dir.write("known_hosts_\(UUID().uuidString.prefix(6))", text: "[127.0.0.1]:\(port) \(key)\n")
    }

    /// Runs a tool and returns its standard output.
    @discardableResult
    public static func shell(_ tool: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try Spawn.start(tool, arguments, stdout: output)
        let status = Spawn.wait(pid)
        guard status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(tool) \(arguments) exited \(status)"]) }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    static func killTree(_ pid: Int32) {
        let children = (try? shell("/usr/bin/pgrep", ["-P", String(pid)])) ?? ""
        for child in children.split(separator: "\n").compactMap({ Int32($0) }) { killTree(child) }
        kill(pid, SIGKILL)
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// Child processes through posix_spawn and waitpid (Foundation's `Process` left zombies and hung
/// here). Standard input is /dev/null; output goes to files, so no pipe can fill up.
public enum Spawn {
    public static func start(_ tool: String, _ arguments: [String], stdout: String = "/dev/null", stderr: String = "/dev/null") throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([tool] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, tool, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cannot start \(tool): \(String(cString: strerror(status)))"])
        }
        return pid
    }

    /// Waits for the child to end; its exit status, or 128 + the signal that ended it.
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
