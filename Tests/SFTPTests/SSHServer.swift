import Foundation
import TestSupport

/// A real OpenSSH server on a loopback port for the tests: throwaway host and user keys, its own
/// config, serving SFTP over a temporary folder. `.ci/run` installs openssh-server.
final class SSHServer: @unchecked Sendable {
    static let sshd = "/usr/sbin/sshd"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: sshd) && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen")
    }

    let dir: TemporaryDirectory
    let port: Int
    private var process: Process?
    var user: String { NSUserName() }
    /// The folder the tests use on the "server" (a plain local path; sshd serves the whole file system).
    var root: String { dir.path("remote") }
    var userKey: String { dir.path("user_key") }
    var hostKeyPublic: String { dir.path("host_key.pub") }

    init() throws {
        dir = try TemporaryDirectory("sshd")
        try FileManager.default.createDirectory(atPath: dir.path("remote"), withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for key in ["host_key", "user_key", "other_key"] {
            try Self.shell("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", dir.path(key)])
        }
        try FileManager.default.copyItem(atPath: dir.path("user_key.pub"), toPath: dir.path("authorized_keys"))
        port = Self.freePort()
        try start()
    }

    func start() throws {
        try dir.write("sshd_config", text: """
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
        Subsystem sftp internal-sftp
        LogLevel ERROR
        """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.sshd)
        process.arguments = ["-D", "-e", "-f", dir.path("sshd_config")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !Self.accepts(port) { usleep(20_000) }
    }

    /// Stops the server and every session it serves (as if the machine went away).
    func stop() {
        guard let process, process.isRunning else { return }
        Self.killTree(process.processIdentifier)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { stop() }

    /// `SHA256:…` of the host key, as `ssh-keygen -lf` prints it.
    func hostKeyFingerprint() throws -> String {
        let out = try Self.shell("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", hostKeyPublic])
        return String(out.split(separator: " ")[1])
    }

    /// A known_hosts file listing this server with `keyFile`'s public key.
    func knownHosts(with publicKeyFile: String) throws -> String {
        let key = try String(contentsOfFile: publicKeyFile, encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        return try dir.write("known_hosts_\(UUID().uuidString.prefix(6))", text: "[127.0.0.1]:\(port) \(key)\n")
    }

    /// Runs a tool and returns its standard output (through a file: no pipe for a child to hold open).
    @discardableResult
    static func shell(_ tool: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: output, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
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
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
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
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }
}
