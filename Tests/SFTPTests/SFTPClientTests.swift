import Foundation
import SFTP
import TestSupport
import Testing

/// The SFTP client against a real OpenSSH server on loopback.
@Suite("SFTP client against OpenSSH", .serialized, .enabled(if: SSHServer.available, "needs openssh-server (sshd) and ssh-keygen"))
struct SFTPClientTests {
    func location(_ server: SSHServer, pin: String? = nil, knownHosts: String? = nil, key: String? = nil) throws -> SFTPLocation {
        try #require(
            SFTPLocation(
                url: "sftp://\(server.user)@127.0.0.1:\(server.port)\(server.root)", keyFile: key ?? server.userKey,
                hostKeySHA256: pin ?? (knownHosts == nil ? try server.hostKeyFingerprint() : nil), knownHostsFile: knownHosts))
    }

    @Test func uploadAppearsAtOnceUnderItsNameAndNeverOverwrites() async throws {
        let server = try await SSHServer.started()
        defer { server.stop() }
        let local = try TemporaryDirectory("sftp-local")
        let payload = String(repeating: "ORD;1;2;3\r\n", count: 20_000)
        try local.write("ORD_1.csv", text: payload)
        let client = try SFTPClient(try location(server))
        try client.makeDirectory(server.root + "/import")
        try client.upload(local.path("ORD_1.csv"), to: server.root + "/import", as: "ORD_1.csv")
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.root + "/import") == ["ORD_1.csv"], "no temporary left")
        #expect(try String(contentsOfFile: server.root + "/import/ORD_1.csv", encoding: .utf8) == payload)

        try local.write("ORD_1b.csv", text: "different\n")
        #expect(throws: SFTPError.self) { try client.upload(local.path("ORD_1b.csv"), to: server.root + "/import", as: "ORD_1.csv") }
        #expect(try String(contentsOfFile: server.root + "/import/ORD_1.csv", encoding: .utf8) == payload, "never overwritten")

        let entries = try client.list(server.root + "/import")
        #expect(entries.map(\.name) == ["ORD_1.csv"] && entries[0].size == UInt64(payload.utf8.count) && entries[0].isRegularFile)
        try client.download(server.root + "/import/ORD_1.csv", to: local.path("back.csv"))
        #expect(try String(contentsOfFile: local.path("back.csv"), encoding: .utf8) == payload)
        try client.makeDirectory(server.root + "/archive")
        try client.rename(server.root + "/import/ORD_1.csv", to: server.root + "/archive/ORD_1.csv")
        #expect(try client.stat(server.root + "/import/ORD_1.csv") == nil)
        #expect(try client.stat(server.root + "/archive/ORD_1.csv")?.size == UInt64(payload.utf8.count))
    }

    @Test func anUnknownOrChangedHostKeyIsRefused() async throws {
        let server = try await SSHServer.started()
        defer { server.stop() }
        let wrongPin = "SHA256:" + String(repeating: "A", count: 43)
        do {
            _ = try SFTPClient(try location(server, pin: wrongPin))
            Issue.record("a wrong pin was accepted")
        } catch let error as SFTPError {
            #expect(error.kind == .hostKey)
            #expect(error.description.contains(try server.hostKeyFingerprint()), "says which key the server has: \(error)")
        }
        var unpinned = try location(server)
        unpinned.hostKeySHA256 = nil
        #expect { _ = try SFTPClient(unpinned) } throws: { ($0 as? SFTPError)?.kind == .hostKey }
        let changed = try server.knownHosts(with: server.dir.path("other_key.pub"))
        #expect { _ = try SFTPClient(try location(server, knownHosts: changed)) } throws: { ($0 as? SFTPError)?.kind == .hostKey }
        let right = try server.knownHosts(with: server.hostKeyPublic)
        _ = try SFTPClient(try location(server, knownHosts: right))
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // A port that accepts connections (the kernel completes them) but never says a word.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(fd, 4)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        var silent = try #require(
            SFTPLocation(url: "sftp://nobody@127.0.0.1:\(UInt16(bigEndian: address.sin_port))/x", keyFile: "/dev/null", hostKeySHA256: "SHA256:x"))
        silent.connectTimeoutSeconds = 2
        let started = Date()
        let location = silent
        let outcome = try await Executable.offPool { Result { () throws(SFTPError) in _ = try SFTPClient(location) } }
        #expect(throws: SFTPError.self) { try outcome.get() }
        #expect(Date().timeIntervalSince(started) < 30, "bounded by connect_timeout_seconds (2 s), with room for a loaded machine")
    }

    @Test func aServerThatStallsMidSessionTimesOut() async throws {
        let server = try await SSHServer.started()
        defer { server.stop() }
        var located = try location(server)
        located.timeoutSeconds = 2
        let client = try SFTPClient(located)
        #expect(try client.list(server.root).isEmpty)
        server.freezeSessions(true)
        defer { server.freezeSessions(false) }
        let started = Date()
        #expect { _ = try client.list(server.root) } throws: { error in
            (error as? SFTPError)?.kind == .connection && "\(error)".contains("did not answer within 2 s")
        }
        #expect(Date().timeIntervalSince(started) < 30, "bounded by timeout_seconds (2 s), with room for a loaded machine")
    }

    @Test func aKeyWithAPassphraseNeedsIt() async throws {
        let server = try await SSHServer.started()
        defer { server.stop() }
        var located = try location(server, key: server.passphraseKey)
        do {
            _ = try SFTPClient(located)
            Issue.record("a protected key was used without its passphrase")
        } catch {
            #expect(error.kind == .authentication && error.description.contains("protected by a passphrase"), "\(error)")
        }
        located.passphrase = "wrong"
        #expect { _ = try SFTPClient(located) } throws: { ($0 as? SFTPError)?.description.contains("wrong passphrase") == true }
        located.passphrase = SSHServer.passphrase
        let client = try SFTPClient(located)
        #expect(try client.list(server.root).isEmpty)
    }

    @Test func aKeyTheServerDoesNotKnowIsRefused() async throws {
        let server = try await SSHServer.started()
        defer { server.stop() }
        #expect { _ = try SFTPClient(try location(server, key: server.dir.path("other_key"))) } throws: {
            ($0 as? SFTPError)?.kind == .authentication
        }
        #expect { _ = try SFTPClient(try location(server, key: server.dir.path("missing_key"))) } throws: {
            ($0 as? SFTPError)?.kind == .authentication
        }
    }

    @Test func aServerStoppedMidDownloadLeavesNoLocalFileAndTheRemoteOneIntact() async throws {
        let server = try await SSHServer.started()
        let local = try TemporaryDirectory("sftp-cut")
        let big = server.root + "/big.csv"
        _ = FileManager.default.createFile(atPath: big, contents: Data(repeating: UInt8(ascii: "x"), count: 64 << 20))
        let client = try SFTPClient(try location(server))
        Self.stop(server, whenFileGrows: local.path(".big.csv.part"))
        #expect { try client.download(big, to: local.path("big.csv")) } throws: {
            ($0 as? SFTPError)?.kind == .connection || ($0 as? SFTPError)?.kind == .io
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: local.path).isEmpty, "no partial file left")
        #expect((try FileManager.default.attributesOfItem(atPath: big)[.size] as? Int) == 64 << 20, "the remote file is where it was")

        // The server comes back: the download completes.
        try await server.restart()
        defer { server.stop() }
        try SFTPClient(try location(server)).download(big, to: local.path("big.csv"))
        #expect((try FileManager.default.attributesOfItem(atPath: local.path("big.csv"))[.size] as? Int) == 64 << 20)
    }

    @Test func aServerStoppedMidUploadShowsNoFileUnderItsNameAndTheRetryCompletes() async throws {
        let server = try await SSHServer.started()
        let local = try TemporaryDirectory("sftp-cut-up")
        _ = FileManager.default.createFile(atPath: local.path("ORD_big.csv"), contents: Data(repeating: UInt8(ascii: "y"), count: 64 << 20))
        let client = try SFTPClient(try location(server))
        Self.stop(server, whenFileGrows: server.root + "/.ORD_big.csv.tmp")
        #expect { try client.upload(local.path("ORD_big.csv"), to: server.root, as: "ORD_big.csv") } throws: {
            ($0 as? SFTPError)?.kind == .connection || ($0 as? SFTPError)?.kind == .io
        }
        #expect(!FileManager.default.fileExists(atPath: server.root + "/ORD_big.csv"), "the WMS never sees half a file under the final name")

        try await server.restart()
        defer { server.stop() }
        try SFTPClient(try location(server)).upload(local.path("ORD_big.csv"), to: server.root, as: "ORD_big.csv")
        #expect((try FileManager.default.attributesOfItem(atPath: server.root + "/ORD_big.csv")[.size] as? Int) == 64 << 20)
    }

    /// Stops `server` as soon as `path` (the transfer's temporary) holds a first megabyte: the
    /// transfer is then certainly under way, however fast the machine.
    static func stop(_ server: SSHServer, whenFileGrows path: String) {
        Thread.detachNewThread {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size >= 1 << 20 { break }
                usleep(500)
            }
            server.stop()
        }
    }
}
