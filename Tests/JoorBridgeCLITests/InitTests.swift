import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// `joorbridge init` and the `deploy/` files.
@Suite("joorbridge init and deploy/", .serialized)
struct InitTests {
    @Test func initWritesAConfigThatChecksAndRunsAgainstASandbox() async throws {
        let dir = try TemporaryDirectory("init")
        let created = try await Executable.run(["init", "site"], in: dir.path)
        #expect(created.status == 0, "\(created.stderr)")
        for folder in ["inbox", "outbox", "processing", "archive", "error", "state", "mappings"] {
            var isDirectory: ObjCBool = false
            #expect(
                FileManager.default.fileExists(atPath: dir.path("site/\(folder)"), isDirectory: &isDirectory) && isDirectory.boolValue, "\(folder)/")
        }
        let check = try await Executable.run(["check", "--config", "site/joorbridge.yml"], in: dir.path)
        #expect(check.status == 0, "the starter config and its mappings are valid: \(check.stderr)")

        // Point the starter at a sandbox and run it as it is.
        try await using(try await JoorSandboxServer.started(token: "init-token", orders: 5, creditLimit: nil)) { sandbox async throws in
            let config = try String(contentsOfFile: dir.path("site/joorbridge.yml"), encoding: .utf8)
                .replacingOccurrences(of: "  # base_url: http://127.0.0.1:8080", with: "  base_url: \(sandbox.baseURL)")
            try config.write(toFile: dir.path("site/joorbridge.yml"), atomically: true, encoding: .utf8)
            let run = try await Executable.run(
                ["run"], in: dir.path, environment: ["JOOR_API_TOKEN": "init-token", "JOORBRIDGE_CONFIG": "site/joorbridge.yml"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("site/outbox")).contains { $0.hasPrefix("ORD_") })

            // A second init keeps the config unless --force.
            let again = try await Executable.run(["init", "site"], in: dir.path)
            #expect(again.status == 64)
            #expect(again.stderr.contains("exists; keep it, or rewrite it with --force"))
            #expect(try await Executable.run(["init", "site", "--force"], in: dir.path).status == 0)
        }
    }

    /// `init` and `demo` write the shipped mappings the build embedded: exact copies of `mappings/`.
    @Test func embeddedMappingsMatchTheShippedOnes() async throws {
        let dir = try TemporaryDirectory("init-mappings")
        #expect(try await Executable.run(["init", "."], in: dir.path).status == 0)
        let shippedFolder = Fixtures.repositoryRoot.appendingPathComponent("mappings").path
        let shipped = try FileManager.default.contentsOfDirectory(atPath: shippedFolder).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("mappings")).sorted() == shipped)
        for name in shipped {
            let written = try String(contentsOfFile: dir.path("mappings/\(name)"), encoding: .utf8)
            let original = try String(contentsOfFile: shippedFolder + "/" + name, encoding: .utf8)
            #expect(written == original, "\(name) differs from mappings/\(name)")
        }
    }

    /// The systemd units are valid (where systemd-analyze is installed) and call real commands.
    @Test func deployUnitsVerify() async throws {
        let deploy = Fixtures.repositoryRoot.appendingPathComponent("deploy")
        let units = [
            "joorbridge-run.service", "joorbridge-run.timer", "joorbridge-watch.service",
            "joorbridge@.service", "joorbridge@.timer", "joorbridge-watch@.service",
        ]
        let dir = try TemporaryDirectory("deploy")
        for unit in units {
            // The single-instance units name /usr/local/bin/joorbridge; the templates leave the
            // folder to systemd's search path (/usr/local/bin, then /usr/bin where the package puts it).
            let text = try String(contentsOf: deploy.appendingPathComponent(unit), encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/joorbridge", with: Executable.joorbridge.path)
                .replacingOccurrences(of: "ExecStart=joorbridge ", with: "ExecStart=\(Executable.joorbridge.path) ")
            try dir.write(unit, text: text)
            // Every joorbridge command line in the units parses (`--help` after the arguments).
            for line in text.split(separator: "\n") where line.hasPrefix("ExecStart=") {
                let arguments = line.dropFirst("ExecStart=".count).split(separator: " ").dropFirst().map(String.init)
                let help = try await Executable.run(arguments + ["--help"], in: dir.path)
                #expect(help.status == 0, "\(line): \(help.stderr)")
            }
        }
        let crontab = try String(contentsOf: deploy.appendingPathComponent("crontab"), encoding: .utf8)
        #expect(crontab.contains("joorbridge run --config"))
        guard let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["verify", "--man=no"] + units.map { dir.path($0) }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = err
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(!output.contains("joorbridge"), "systemd-analyze found problems: \(output)")
    }
}
