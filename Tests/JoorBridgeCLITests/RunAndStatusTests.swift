import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// `run`, `status` and `check --config` through the built executable, against a sandbox.
@Suite("joorbridge run, status and check --config", .serialized)
struct RunAndStatusTests {
    static func workspace(_ sandbox: JoorSandboxServer, extra: String = "") throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("run")
        try dir.copyMappings(["orders-csv-lines.yml", "customers-csv.yml"])
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor: { token_env: RUN_TOKEN, base_url: "\(sandbox.baseURL)" }
                folders: { outbox: ./outbox }
                state: ./state/joorbridge.sqlite
                orders:
                  mapping: mappings/orders-csv-lines.yml
                  customers_mapping: mappings/customers-csv.yml
                \(extra)
                """)
        return dir
    }

    static func sandbox(orders: Int) async throws -> JoorSandboxServer {
        try await JoorSandboxServer.started(token: "run-token", orders: orders, creditLimit: nil)
    }

    @Test func runDeliversReportsAndStatusShowsFailingOrders() async throws {
        try await using(try await Self.sandbox(orders: 12)) { sandbox async throws in
            var bad = OrderSeeder.orders(count: 1, seed: 3, firstID: 9_300_001)[0]
            bad.order.fields["customer_purchase_order"] = ""
            try await sandbox.state.add([bad])
            let dir = try Self.workspace(sandbox)
            let env = ["RUN_TOKEN": "run-token"]
            let run = try await Executable.run(["run", "--report", "report.json"], in: dir.path, environment: env)
            #expect(run.status == 3, "one order cannot be mapped: \(run.stderr)")
            #expect(run.stderr.contains("rejected order 9300001 cannot be mapped: field 'PONumber'"))
            #expect(!run.stderr.contains("run-token"))
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("report.json")))) as? [String: Any]
            #expect(report?["exitCode"] as? Int == 3)
            let jobs = report?["jobs"] as? [[String: Any]]
            let delivered = (jobs?.first?["orders"] as? [String: Any])?["delivered"] as? Int
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("outbox")).filter { $0.hasPrefix("ORD_") }
            #expect(delivered == files.count)
            let status = try await Executable.run(["status"], in: dir.path)
            #expect(status.status == 0)
            #expect(status.stdout.contains("orders: last run"))
            #expect(status.stdout.contains("9300001 (1 attempt): order 9300001 cannot be mapped"))
            #expect(status.stdout.contains("\(files.count) delivered today"))
            let json = try await Executable.run(["status", "--json"], in: dir.path)
            #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["failingOrders"] != nil)
        }
    }

    /// A folder status cannot list is named with the reason, not counted as empty.
    @Test func statusSaysWhichFolderItCannotList() async throws {
        try await using(try await Self.sandbox(orders: 0)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            try dir.write("inbox", text: "a file where the inbox folder should be\n")
            let status = try await Executable.run(["status"], in: dir.path)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("folder problem: \(dir.path("inbox")): cannot list the folder: Not a directory"), "\(status.stdout)")
            #expect(!status.stdout.contains("folder problem: \(dir.path("outbox"))"), "a folder not made yet is empty: \(status.stdout)")
        }
    }

    @Test func exitCodesFromRealSituations() async throws {
        try await using(try await Self.sandbox(orders: 2)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            #expect(try await Executable.run(["run"], in: dir.path, environment: ["RUN_TOKEN": "wrong"]).status == 69)
            #expect(try await Executable.run(["run"], in: dir.path, environment: ["RUN_TOKEN": ""]).status == 78, "no token")
            #expect(try await Executable.run(["run", "--config", "missing.yml"], in: dir.path).status == 78)
            #expect(try await Executable.run(["run", "everything"], in: dir.path).status == 64)
            #expect(try await Executable.run(["run"], in: dir.path, environment: ["RUN_TOKEN": "run-token"]).status == 0)
        }
    }

    /// Every command that takes the shared `--config` refuses a broken one the same way: the
    /// problem with its file and line on standard error, exit 78, nothing done.
    @Test func everyCommandRefusesABrokenConfigWithItsLine() async throws {
        let dir = try TemporaryDirectory("broken-config")
        try "version: 9\n".write(toFile: dir.path("broken.yml"), atomically: true, encoding: .utf8)
        let commands: [[String]] = [
            ["run"], ["watch"], ["status"], ["orders", "list"], ["orders", "show", "1"], ["orders", "deliver", "1"], ["orders", "adopt", "1"],
        ]
        for command in commands {
            let result = try await Executable.run(command + ["--config", "broken.yml"], in: dir.path)
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("broken.yml:1:10: error: config version 9 is not supported"), "\(command): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["broken.yml"], "no state store, folder or lock made")
    }

    @Test func unreachableJOORExits69() async throws {
        let sandbox = try await Self.sandbox(orders: 1)
        let dir = try Self.workspace(sandbox, extra: "")
        await sandbox.stop()
        // Port 1, not the stopped sandbox's port: another test's sandbox may be given that one.
        let text = try String(contentsOfFile: dir.path("joorbridge.yml"), encoding: .utf8)
            .replacingOccurrences(of: sandbox.baseURL, with: "http://127.0.0.1:1")
            .replacingOccurrences(of: "joor: {", with: "joor: { request_timeout_seconds: 2,")
        #expect(text.contains("http://127.0.0.1:1\""))
        try text.write(toFile: dir.path("joorbridge.yml"), atomically: true, encoding: .utf8)
        let run = try await Executable.run(["run"], in: dir.path, environment: ["RUN_TOKEN": "run-token"], timeout: 120)
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("JOOR is unreachable"))
    }

    /// check reads the mappings run would: the routes' and the cancellations' too, each refused
    /// when it is not the kind its job needs.
    @Test func checkAlsoChecksRouteAndCancellationMappingsAndTheirKinds() async throws {
        try await using(try await Self.sandbox(orders: 0)) { sandbox async throws in
            let dir = try Self.workspace(
                sandbox,
                extra: """
                      deliver_cancellations: true
                      cancellations_mapping: mappings/inventory-csv.yml
                      routes:
                        - { name: eu, when: { field: order.order_currency, equals: EUR }, mapping: mappings/eu.yml }
                        - { name: rest }
                    inventory: { mapping: mappings/customers-csv.yml }
                    """)
            try dir.copyMappings(["inventory-csv.yml"])
            try dir.write("mappings/eu.yml", text: "version: 1\nkind: orders\noutput: { format: csv }\n")
            let check = try await Executable.run(["check"], in: dir.path)
            #expect(check.status == 78, "\(check.stderr)")
            #expect(check.stderr.contains("eu.yml:3:9: error: output needs file_name:"), "\(check.stderr)")
            #expect(
                check.stderr.contains("inventory-csv.yml: error: this is an inventory mapping; the orders job needs an orders mapping"),
                "\(check.stderr)")
            #expect(
                check.stderr.contains("customers-csv.yml: error: this is a customers mapping; the inventory job needs an inventory mapping"),
                "\(check.stderr)")
            #expect(check.stdout.contains("/mappings/customers-csv.yml: customers mapping"), "as the orders job's customers mapping: \(check.stdout)")
        }
    }

    @Test func checkWithConfigChecksEveryMappingItNames() async throws {
        try await using(try await Self.sandbox(orders: 0)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            let ok = try await Executable.run(["check"], in: dir.path)
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout.contains("ok: joorbridge.yml: config"))
            #expect(ok.stdout.contains("orders-csv-lines.yml: orders mapping"))
            try dir.write("mappings/customers-csv.yml", text: "version: 1\nkind: customers\noutput: { format: csv }\n")
            let badMapping = try await Executable.run(["check"], in: dir.path)
            #expect(badMapping.status == 78)
            #expect(badMapping.stderr.contains("customers-csv.yml:3:9: error: output needs file_name:"))
            try (try String(contentsOfFile: dir.path("joorbridge.yml"), encoding: .utf8) + "  colour: blue\n").write(
                toFile: dir.path("joorbridge.yml"), atomically: true, encoding: .utf8)
            let bad = try await Executable.run(["check"], in: dir.path)
            #expect(bad.status == 78)
            #expect(bad.stderr.contains("joorbridge.yml:8:3: error: unknown key 'colour' in orders"))
        }
    }
}
