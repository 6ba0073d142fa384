import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// `joorbridge check --connect` against the sandbox: it logs in with the API token (and the v4
/// login), reads one order without marking it, and says whether the answers have the shape
/// joorbridge reads — exit 0, or 69 naming the refused credential or the first field that differs.
@Suite("check --connect: JOOR credentials and answer shapes", .serialized)
struct ConnectCheckTests {
    static func workspace(_ sandbox: JoorSandboxServer, v4: Bool = false, fitForV4: Bool = true) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("connect")
        try dir.copyMappings(["orders-csv-lines.yml", "products-csv.yml"])
        if v4 && fitForV4 { try dir.fitProductsMappingForV4() }
        let v4Section = v4 ? "\n  api: v4\n  account: \"1\"\n  v4: { client_id: sandbox-client, username: sandbox@example.com }" : ""
        try dir.write(
            "joorbridge.yml",
            text: """
                version: 1
                joor:
                  token_env: CONNECT_TOKEN
                  base_url: "\(sandbox.baseURL)"\(v4Section)
                state: ./state/joorbridge.sqlite
                orders: { mapping: mappings/orders-csv-lines.yml }
                products: { mapping: mappings/products-csv.yml, include: ["products_*.csv"] }
                """)
        return dir
    }

    @Test func theRightTokenPassesAndMarksNothingAWrongOneExits69NamingIt() async throws {
        try await using(try await JoorSandboxServer.started(token: "connect-token", orders: 3)) { sandbox async throws in
            let dir = try Self.workspace(sandbox)
            let good = try await Executable.run(["check", "--connect"], in: dir.path, environment: ["CONNECT_TOKEN": "connect-token"])
            #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
            #expect(
                good.stdout.contains(
                    "JOOR v2 (orders): the API token (token_env CONNECT_TOKEN) accepted; the answer has the expected shape (1 order(s) read)"),
                "\(good.stdout)")
            #expect(await sandbox.state.allOrders().allSatisfy { !$0.exported }, "a check marks nothing exported")
            let wrong = try await Executable.run(["check", "--connect"], in: dir.path, environment: ["CONNECT_TOKEN": "not-the-token"])
            #expect(wrong.status == 69, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("JOOR refused the API token (token_env CONNECT_TOKEN)"), "\(wrong.stderr)")
            #expect(!wrong.stderr.contains("not-the-token"))
            // A token that is not set is the config's mistake, found before JOOR is asked: 78, as for run.
            let unset = try await Executable.run(["check", "--connect"], in: dir.path, environment: [:])
            #expect(unset.status == 78, "\(unset.stderr)")
            #expect(unset.stderr.contains("CONNECT_TOKEN"), "\(unset.stderr)")
            // Without --connect nothing is contacted.
            await sandbox.state.resetCounts()
            #expect(try await Executable.run(["check"], in: dir.path, environment: ["CONNECT_TOKEN": "x"]).status == 0)
            #expect(await sandbox.state.requestLog.isEmpty)
        }
    }

    @Test func theV4LoginIsCheckedAndARefusalNamesIt() async throws {
        try await using(try await JoorSandboxServer.started(token: "connect-token")) { sandbox async throws in
            let dir = try Self.workspace(sandbox, v4: true)
            let env = ["CONNECT_TOKEN": "connect-token", "JOOR_CLIENT_SECRET": "sandbox-secret", "JOOR_PASSWORD": "sandbox-password"]
            let good = try await Executable.run(["check", "--connect"], in: dir.path, environment: env)
            #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
            #expect(
                good.stdout.contains("JOOR v4 (products): the v4 login (client_id sandbox-client, username sandbox@example.com) accepted"),
                "\(good.stdout)")
            let wrong = try await Executable.run(
                ["check", "--connect"], in: dir.path, environment: env.merging(["JOOR_PASSWORD": "wrong-password-9"]) { $1 })
            #expect(wrong.status == 69, "\(wrong.stderr)")
            #expect(wrong.stderr.contains("JOOR refused the v4 login (client_id sandbox-client, username sandbox@example.com"), "\(wrong.stderr)")
            #expect(wrong.stdout.contains("JOOR v2 (orders): the API token"), "the v2 token is still confirmed: \(wrong.stdout)")
            #expect(!wrong.stderr.contains("wrong-password-9"))
        }
    }

    @Test func anAnswerOfAnotherShapeExits69NamingTheDifference() async throws {
        try await using(try await JoorSandboxServer.started(token: "connect-token", orders: 2) { $0.answers.changedOrdersEnvelope = true }) {
            sandbox async throws in
            let dir = try Self.workspace(sandbox)
            let check = try await Executable.run(["check", "--connect"], in: dir.path, environment: ["CONNECT_TOKEN": "connect-token"])
            #expect(check.status == 69, "\(check.stdout)\(check.stderr)")
            #expect(
                check.stderr.contains(
                    "JOOR accepted the API token (token_env CONNECT_TOKEN), but its answer does not have the shape joorbridge reads: the answer has no 'orders' node (it has: meta, results)"
                ),
                "\(check.stderr)")
        }
    }

    /// v4's product API has no place for linesheets or style attributes: a mapping that gives
    /// them is refused, naming each field and its line, before anything is sent (they were
    /// dropped, and the styles recorded as sent).
    @Test func aV4MappingWithFieldsV4CannotSendIsRefused() async throws {
        try await using(try await JoorSandboxServer.started(token: "connect-token")) { sandbox async throws in
            let dir = try Self.workspace(sandbox, v4: true, fitForV4: false)
            let env = ["CONNECT_TOKEN": "connect-token", "JOOR_CLIENT_SECRET": "sandbox-secret", "JOOR_PASSWORD": "sandbox-password"]
            let check = try await Executable.run(["check"], in: dir.path, environment: env)
            #expect(check.status == 78, "\(check.stdout)\(check.stderr)")
            for (field, line) in [("season_name", 21), ("season_year", 22), ("delivery_name", 23)] {
                #expect(
                    check.stderr.contains("mappings/products-csv.yml:\(line): error: field '\(field)' would not reach JOOR: joor.api is v4"),
                    "\(check.stderr)")
            }
            try dir.write("inbox/products_1.csv", text: "StyleNo\nFS-1001\n")
            let run = try await Executable.run(["run", "products"], in: dir.path, environment: env)
            #expect(run.status == 78 && run.stderr.contains("field 'season_name' would not reach JOOR"), "\(run.stderr)")
            #expect(await sandbox.state.requestLog.isEmpty, "nothing sent")
            try dir.fitProductsMappingForV4()
            #expect(try await Executable.run(["check"], in: dir.path, environment: env).status == 0)
            // v4 names a SKU's color by its name: a color code without its name is refused too.
            let fitted = try String(contentsOfFile: dir.path("mappings/products-csv.yml"), encoding: .utf8)
            try dir.write(
                "mappings/products-csv.yml", text: fitted.split(separator: "\n").filter { !$0.contains("color_name") }.joined(separator: "\n"))
            let noNames = try await Executable.run(["check"], in: dir.path, environment: env)
            #expect(
                noNames.status == 78 && noNames.stderr.contains("products-csv.yml:13: error: joor.api is v4, which names a SKU's color by its name"),
                "\(noNames.stderr)")
        }
    }
}
