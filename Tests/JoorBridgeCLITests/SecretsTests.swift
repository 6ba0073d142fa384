import Foundation
import TestSupport
import Testing

@testable import JoorSandbox

/// The API token must never leave the process: not in logs at any level (text or JSON), reports,
/// error and rejects files, outbox files, the state store, alerts or `status`.
@Suite("The token never appears", .serialized)
struct SecretsTests {
    static let token = "s3cret-T0ken-4242-xyz"

    /// The token and the forms it travels in (base64 for v2's `OAuth2` header, URL-encoded).
    static var forms: [String] {
        [token, Data(token.utf8).base64EncodedString(), token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token]
    }

    static func leaks(in text: String) -> [String] { forms.filter { text.contains($0) } }

    @Test func noOutputOrFileOfARunContainsTheToken() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token, orders: 6)) { sandbox async throws in
            let dir = try TemporaryDirectory("secrets")
            try dir.copyMappings(["inventory-csv.yml", "orders-csv-lines.yml", "customers-csv.yml"])
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor: { token_env: SECRET_TOKEN, base_url: "\(sandbox.baseURL)", credit_limit: 100000 }
                    state: ./state/joorbridge.sqlite
                    orders: { mapping: mappings/orders-csv-lines.yml, customers_mapping: mappings/customers-csv.yml }
                    inventory: { mapping: mappings/inventory-csv.yml, include: ["*.csv"], settle_seconds: 0 }
                    notify: { command: "cat > alert.json", when: always }
                    """)
            let stock =
                "Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\nA;000000000017;110;S;HH;4;0;;A\r\nA;000000000024;110;M;XX;4;0;;A\r\nA;999999999993;110;M;HH;4;0;;A\r\n"
            try dir.write("inbox/stock_1.csv", text: stock)
            try dir.write("inbox/garbage.csv", [0xFF, 0xFE, 0x00, 0x41])
            let env = ["SECRET_TOKEN": Self.token]
            var outputs: [(String, String)] = []
            func record(_ label: String, _ outcome: Executable.Outcome) { outputs.append((label, outcome.stdout + outcome.stderr)) }

            record("run trace", try await Executable.run(["run", "--log-level", "trace", "--report", "report.json"], in: dir.path, environment: env))
            try dir.write("inbox/stock_2.csv", text: stock.replacingOccurrences(of: ";4;", with: ";5;"))
            record(
                "run json trace",
                try await Executable.run(
                    ["run", "--log-format", "json", "--log-level", "trace", "--progress", "always"], in: dir.path, environment: env))
            // JOOR now refuses the token (revoked); the rejected token must not be echoed either.
            await sandbox.state.plan(FaultPlan(failCount: 2, failStatus: 401))
            record("run refused", try await Executable.run(["run", "orders", "--log-level", "trace"], in: dir.path, environment: env))
            record("status", try await Executable.run(["status"], in: dir.path, environment: env))
            record("status json", try await Executable.run(["status", "--json"], in: dir.path, environment: env))
            record("check", try await Executable.run(["check"], in: dir.path, environment: env))
            #expect(outputs.contains { $0.0 == "run trace" && ($0.1.contains(" trace ") || $0.1.contains(" debug ")) }, "trace logging was on")
            for (label, text) in outputs { #expect(Self.leaks(in: text).isEmpty, "\(label) shows the token") }

            // Every file the runs left behind: report, alert, error reasons, rejects, outbox, the SQLite state.
            let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix("mappings") }
            #expect(
                files.contains("report.json") && files.contains("alert.json") && files.contains { $0.hasSuffix(".error.txt") }
                    && files.contains { $0.hasSuffix(".rejects.csv") })
            for file in files {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir.path(file), isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.path(file)))
                for form in Self.forms { #expect(bytes.range(of: Data(form.utf8)) == nil, "\(file) contains the token") }
            }
        }
    }

    /// The notify command is a child process: it gets the environment without the token variable,
    /// the v4 secret and password variables and the SFTP passphrase variable (names as configured).
    @Test func theNotifyCommandSeesNoSecretVariable() async throws {
        try await using(try await JoorSandboxServer.started(token: Self.token)) { sandbox async throws in
            let dir = try TemporaryDirectory("child-env")
            try dir.copyMappings(["inventory-csv.yml"])
            try dir.write(
                "joorbridge.yml",
                text: """
                    version: 1
                    joor:
                      token_env: SECRET_TOKEN
                      base_url: "\(sandbox.baseURL)"
                      v4: { client_id: cid, username: u@example.com, account: "1", client_secret_env: MY_V4_SECRET, password_env: MY_V4_PASSWORD }
                    sftp: { key_file: ./id_ed25519, passphrase_env: MY_SFTP_PASSPHRASE, host_key_sha256: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" }
                    state: ./state/joorbridge.sqlite
                    inventory: { mapping: mappings/inventory-csv.yml, include: ["*.csv"], settle_seconds: 0 }
                    notify: { command: "env > child-env.txt", when: always }
                    """)
            try dir.write(
                "inbox/stock.csv", text: "Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\nA;000000000017;110;S;HH;4;0;;A\r\n")
            let secrets = [
                "SECRET_TOKEN": Self.token, "MY_V4_SECRET": "v4-secret-value-1", "MY_V4_PASSWORD": "v4-password-value-2",
                "MY_SFTP_PASSPHRASE": "sftp-passphrase-value-3", "JOOR_API_TOKEN": "default-token-value-4",
            ]
            let run = try await Executable.run(["run", "inventory"], in: dir.path, environment: secrets.merging(["VISIBLE_MARKER": "kept-7"]) { $1 })
            #expect(run.status == 0, "\(run.stderr)")
            let seen = try String(contentsOfFile: dir.path("child-env.txt"), encoding: .utf8)
            #expect(seen.contains("VISIBLE_MARKER=kept-7") && seen.contains("JOORBRIDGE_EXIT_CODE=0"), "the command got an environment")
            for (name, value) in secrets {
                #expect(!seen.contains(name + "="), "\(name) reached the child")
                #expect(!seen.contains(value), "the value of \(name) reached the child")
            }
        }
    }
}
