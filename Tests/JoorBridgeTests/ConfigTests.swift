import Foundation
import Mapping
import TestSupport
import Testing

@testable import JoorBridge

@Suite("joorbridge.yml")
struct ConfigTests {
    func load(_ text: String, env: [String: String] = [:]) throws -> (BridgeConfig, TemporaryDirectory) {
        let dir = try TemporaryDirectory("config")
        try dir.write("joorbridge.yml", text: text)
        return (try BridgeConfig.load(path: dir.path("joorbridge.yml"), environment: env), dir)
    }

    func errors(_ text: String, env: [String: String] = [:]) -> [MappingError] {
        do {
            _ = try load(text, env: env)
            return []
        } catch let error as ConfigError {
            return error.problems
        } catch {
            Issue.record("not a config error: \(error)")
            return []
        }
    }

    @Test func sftpFoldersAndTheirSection() throws {
        let pin = "SHA256:" + String(repeating: "a", count: 43)
        let (config, dir) = try load(
            """
            version: 1
            folders: { inbox: "sftp://wms@files.example.com:2222/exports", outbox: "sftp://wms@files.example.com/imports", outbox_staging: ./staging }
            sftp: { key_file: keys/id_ed25519, passphrase_env: KEY_PASS, host_key_sha256: "\(pin)", timeout_seconds: 20, after_download: delete }
            """)
        #expect(config.folders.remoteInbox == "sftp://wms@files.example.com:2222/exports")
        #expect(config.folders.inbox == dir.url.appendingPathComponent("inbox").standardizedFileURL.path, "files dropped locally are still taken")
        #expect(config.folders.outbox == dir.url.appendingPathComponent("staging").standardizedFileURL.path)
        #expect(config.sftp?.keyFile == dir.url.appendingPathComponent("keys/id_ed25519").standardizedFileURL.path)
        #expect(config.sftp?.afterDownload == .delete)
        let keyless = #expect(throws: ConfigError.self) { try config.sftpLocation(config.folders.remoteInbox!, environment: ["KEY_PASS": "s3cret"]) }
        #expect(keyless?.description.contains("cannot be read") == true, "a missing key is a config problem (exit 78), found before connecting")
        try dir.write("keys/id_ed25519", text: "not really a key\n")
        chmod(dir.path("keys/id_ed25519"), 0o644)
        let open = #expect(throws: ConfigError.self) { try config.sftpLocation(config.folders.remoteInbox!, environment: ["KEY_PASS": "s3cret"]) }
        #expect(open?.description.contains("chmod 600") == true, "a key others can read is refused, as OpenSSH does")
        chmod(dir.path("keys/id_ed25519"), 0o600)
        let location = try config.sftpLocation(config.folders.remoteInbox!, environment: ["KEY_PASS": "s3cret"])
        #expect(location.host == "files.example.com" && location.port == 2222 && location.user == "wms" && location.path == "/exports")
        #expect(location.passphrase == "s3cret" && location.hostKeySHA256 == pin && location.timeoutSeconds == 20)
        let missing = #expect(throws: ConfigError.self) { try config.sftpLocation(config.folders.remoteOutbox!, environment: [:]) }
        #expect(missing?.description.contains("set the environment variable KEY_PASS") == true)

        #expect(
            errors("version: 1\nfolders: { inbox: \"sftp://wms@h/x\" }\n").contains {
                $0.location.line == 2 && $0.message.contains("needs an sftp: section")
            })
        #expect(
            errors("version: 1\nfolders: { inbox: \"sftp://h/x\" }\nsftp: { key_file: k, known_hosts: kh }\n").contains {
                $0.message.contains("must look like sftp://user@host:port/path")
            })
        let withPassword = errors("version: 1\nfolders: { outbox: \"sftp://wms:S3cret@h/x\" }\nsftp: { key_file: k, known_hosts: kh }\n")
        #expect(withPassword.contains { $0.location.line == 2 && $0.message.contains("has a password in its sftp:// URL") }, "\(withPassword)")
        #expect(!"\(withPassword)".contains("S3cret"), "the error does not repeat the password")
        #expect(
            errors("version: 1\nfolders: { archive: \"sftp://u@h/x\" }\nsftp: { key_file: k, known_hosts: kh }\n").contains {
                $0.message.contains("only inbox and outbox")
            })
        #expect(
            errors("version: 1\nsftp: { key_file: k }\n").contains {
                $0.location.line == 2 && $0.message.contains("host_key_sha256: or known_hosts:")
            },
            "no trust, no connection")
        #expect(
            errors("version: 1\nsftp: { key_file: k, host_key_sha256: \"MD5:aa:bb\" }\n").contains {
                $0.message.contains("must be a SHA256 fingerprint")
            })
        #expect(
            errors("version: 1\nsftp: { key_file: k, known_hosts: kh, remote_archive: archive }\n").contains {
                $0.message.contains("absolute path on the server")
            })
        #expect(errors("version: 1\nfolders: { outbox_staging: ./s }\n").contains { $0.message.contains("only for an sftp:// outbox") })
    }

    @Test func relativePathsAndDefaults() throws {
        let (config, dir) = try load("version: 1\norders: { mapping: mappings/o.yml }\n")
        #expect(config.folders.outbox == dir.url.appendingPathComponent("outbox").standardizedFileURL.path)
        #expect(config.statePath.hasSuffix("state/joorbridge.sqlite"))
        #expect(config.orders?.mapping == dir.url.appendingPathComponent("mappings/o.yml").standardizedFileURL.path)
        #expect(config.orders?.status == .approved)
        #expect(config.endpoint == .production)
    }

    @Test func environmentInterpolation() throws {
        let (config, _) = try load("version: 1\njoor: { base_url: \"${SANDBOX_URL}\" }\n", env: ["SANDBOX_URL": "http://127.0.0.1:9999"])
        #expect(config.endpoint.v2 == "http://127.0.0.1:9999/v2")
        let problems = errors("version: 1\n\njoor: { base_url: \"${NOT_SET}\" }\n")
        #expect(problems.contains { $0.location.line == 3 && $0.message.contains("NOT_SET is not set") })
    }

    @Test func commentsMayMentionVariablesThatAreNotSet() throws {
        let (config, _) = try load(
            "version: 1\n# base_url: ${NOT_SET}\njoor: { base_url: \"http://h/#${HOST_PART}\" } # ${ALSO_NOT_SET}\n", env: ["HOST_PART": "x"])
        #expect(config.joor.baseURL == "http://h/#x")
    }

    @Test func notifyWatchAndLogSections() throws {
        let (config, _) = try load(
            """
            version: 1
            notify: { webhook: "https://hooks.example.com/x", command: "mail ops", when: always, timeout_seconds: 5, attempts: 2 }
            watch: { interval_seconds: 120, poll_seconds: 2 }
            log: { format: json, level: info }
            """)
        #expect(config.notify?.webhook == "https://hooks.example.com/x")
        #expect(config.notify?.command == "mail ops")
        #expect(config.notify?.when == .always)
        #expect(config.notify?.attempts == 2)
        #expect(config.watch.intervalSeconds == 120 && config.watch.pollSeconds == 2)
        #expect(config.log.format == "json" && config.log.level == "info")
        let problems = errors("version: 1\nnotify: { webhook: \"ftp://x\", when: sometimes }\nwatch: { poll_seconds: 0 }\nlog: { format: xml }\n")
        #expect(problems.contains { $0.location.line == 2 && $0.message.contains("notify.webhook must be an http(s) URL") })
        #expect(problems.contains { $0.location.line == 2 && $0.message.contains("problems") && $0.message.contains("always") })
        #expect(problems.contains { $0.location.line == 3 && $0.message.contains("watch.poll_seconds must be") })
        #expect(problems.contains { $0.location.line == 4 && $0.message.contains("json") })
        #expect(errors("version: 1\nnotify: { when: always }\n").contains { $0.message.contains("notify needs webhook:") })
    }

    @Test func inboxJobSectionsShareTheirKeysAndChecks() throws {
        let (config, dir) = try load(
            "version: 1\ninventory: { mapping: m/i.yml, include: [\"stock_*\"], full: true, safety_stock: { MAIN: 2 } }\nproducts: { mapping: m/p.yml, include: [\"products_*\"], max_attempts: 5 }\n"
        )
        #expect(config.inventory?.mapping == dir.url.appendingPathComponent("m/i.yml").standardizedFileURL.path)
        #expect(config.inventory?.batchSize == 500 && config.inventory?.full == true && config.inventory?.safetyStock == ["MAIN": 2])
        #expect(config.products?.batchSize == 200 && config.products?.maxAttempts == 5 && config.products?.full == false)
        let problems = errors("version: 1\ninventory: { mapping: i.yml, batch_size: 20000 }\nproducts:\n  mapping: p.yml\n  batch_size: 0\n")
        #expect(
            problems.contains { $0.location.line == 2 && $0.message == "inventory.batch_size must be between 1 and 10000, not 20000" }, "\(problems)")
        #expect(
            problems.contains { $0.location.line == 5 && $0.message == "products.batch_size must be between 1 and 10000, not 0" },
            "0 is refused, not read as 1: \(problems)")
        #expect(
            errors("version: 1\nproducts: { full: true }\n").contains {
                $0.message == "products needs mapping: (the products mapping file, e.g. mappings/products-csv.yml)"
            })
    }

    /// A section without the key it cannot do without says, at the section's line, what to write.
    @Test func aSectionWithoutItsRequiredKeySaysWhatToWrite() {
        let cases = [
            ("version: 1\norders: { page_size: 50 }\n", 2, "orders needs mapping: (the orders mapping file, e.g. mappings/orders-csv-lines.yml)"),
            (
                "version: 1\nsftp: { known_hosts: k }\n", 2,
                "sftp needs key_file: the private key joorbridge logs in with (password logins are not offered)"
            ),
            (
                "version: 1\norders:\n  mapping: m.yml\n  routes:\n    - { outbox: out/eu }\n", 5,
                "each route needs name: (letters, digits, - and _), used in the ledger, status and `orders deliver --route`"
            ),
        ]
        for (text, line, message) in cases {
            let problems = errors(text)
            #expect(problems.contains { $0.location.line == line && $0.message == message }, "\(problems)")
        }
    }

    /// Every section and nested object of the config refuses a key it does not know, at its line.
    @Test func everyObjectRefusesAnUnknownKey() {
        let problems = errors(
            """
            version: 1
            bogus: 1
            joor: { bogus: 1, v4: { bogus: 1 } }
            folders: { bogus: 1 }
            orders: { mapping: m.yml, bogus: 1, routes: [{ name: eu, bogus: 1 }] }
            inventory: { mapping: i.yml, bogus: 1 }
            products: { mapping: p.yml, bogus: 1 }
            notify: { webhook: "https://example.com/hook", bogus: 1 }
            watch: { bogus: 1 }
            sftp: { key_file: k, bogus: 1 }
            log: { bogus: 1 }
            """)
        let refused = Set(
            problems.filter { $0.message.hasPrefix("unknown key 'bogus' in ") }.map {
                "\($0.location.line ?? 0) \($0.message.dropFirst(23).prefix { $0 != ";" })"
            })
        let expected: Set = [
            "2 the config", "3 joor", "3 joor.v4", "4 folders", "5 orders", "5 orders.routes entry", "6 inventory", "7 products", "8 notify",
            "9 watch", "10 sftp", "11 log",
        ]
        #expect(refused == expected, "\(problems)")
    }

    /// Every setting with a range refuses a value outside it, or one that is not a number, at its
    /// line and with the range; none is ignored or clamped without a word.
    @Test func everyRangedSettingRefusesWhatIsOutsideItsRange() {
        let settings: [(section: String, key: String, bad: String, message: String)] = [
            ("joor", "credit_limit", "0", "joor.credit_limit must be between 1 and 1000000, not 0"),
            ("joor", "credit_window_seconds", "5m", "joor.credit_window_seconds must be a number of seconds between 1 and 86400, not '5m'"),
            ("joor", "request_timeout_seconds", "30s", "joor.request_timeout_seconds must be a number of seconds between 1 and 3600, not '30s'"),
            ("joor", "connect_timeout_seconds", "0.5", "joor.connect_timeout_seconds must be a number of seconds between 1 and 120, not '0.5'"),
            ("inventory", "batch_size", "10001", "inventory.batch_size must be between 1 and 10000, not 10001"),
            ("inventory", "settle_seconds", "-1", "inventory.settle_seconds must be a number of seconds between 0 and 86400, not '-1'"),
            ("products", "settle_seconds", "ten", "products.settle_seconds must be a number of seconds between 0 and 86400, not 'ten'"),
            ("orders", "page_size", "0", "orders.page_size must be between 1 and 1000, not 0"),
            ("notify", "timeout_seconds", "301", "notify.timeout_seconds must be a number of seconds between 1 and 300, not '301'"),
            ("notify", "attempts", "11", "notify.attempts must be between 1 and 10, not 11"),
            ("watch", "interval_seconds", "9.5", "watch.interval_seconds must be a number of seconds between 10 and 86400, not '9.5'"),
            ("watch", "poll_seconds", "3601", "watch.poll_seconds must be a number of seconds between 0.1 and 3600, not '3601'"),
            ("sftp", "connect_timeout_seconds", "301", "sftp.connect_timeout_seconds must be between 1 and 300 seconds, not 301"),
            ("sftp", "timeout_seconds", "1.5", "sftp.timeout_seconds must be a whole number, not '1.5'"),
            ("inventory", "max_attempts", "0", "inventory.max_attempts must be between 1 and 1000, not 0"),
            ("orders", "catch_up_days", "0", "orders.catch_up_days must be between 1 and 3650, not 0"),
        ]
        let required = [
            "inventory": "mapping: i.yml, include: [\"stock_*\"], ", "products": "mapping: p.yml, include: [\"products_*\"], ",
            "orders": "mapping: o.yml, ", "notify": "command: \"true\", ", "sftp": "key_file: k, known_hosts: h, ",
        ]
        for setting in settings {
            let text = "version: 1\n\(setting.section):\n  { \(required[setting.section] ?? "")\(setting.key): \(setting.bad) }\n"
            let problems = errors(text)
            #expect(problems.contains { $0.location.line == 3 && $0.message == setting.message }, "\(setting.section).\(setting.key): \(problems)")
        }
    }

    /// A folder with two roles is refused: an outbox that is the inbox (the inventory job would
    /// take the order files), a processing or error folder that is the inbox. Outboxes may share.
    @Test func aFolderWithTwoRolesIsRefused() throws {
        let jobs = "orders: { mapping: o.yml }\ninventory: { mapping: i.yml }\n"
        let cases = [
            ("{ inbox: ./exchange, outbox: ./exchange/ }", "folders.inbox and folders.outbox are the same folder"),
            ("{ inbox: ./in, processing: ./in }", "folders.processing and folders.inbox are the same folder"),
            ("{ error: ./in, inbox: in }", "folders.error and folders.inbox are the same folder"),
            (
                "{ inbox: \"sftp://wms@files.example.com/exchange\", outbox: \"sftp://wms@files.example.com:22/exchange\" }",
                "folders.inbox and folders.outbox are the same sftp:// folder"
            ),
        ]
        for (folders, message) in cases {
            let problems = errors("version: 1\nfolders: \(folders)\n\(jobs)sftp: { key_file: k, known_hosts: h }\n")
            #expect(
                problems.contains { $0.location.line == 2 && $0.message.hasPrefix(message) && $0.message.contains("give each its own") },
                "\(folders): \(problems)")
        }
        #expect(errors("version: 1\nfolders: { archive: ./kept, error: ./kept }\n\(jobs)").isEmpty, "archive and error only keep files")
        #expect(!errors("version: 1\nfolders: { archive: ./out, outbox: ./out }\n\(jobs)").isEmpty, "archived files would reach the WMS")
        let routes =
            "orders: { mapping: o.yml, routes: [{ name: a, when: { field: order.warehouse_code, equals: A }, outbox: ./out }, { name: b, outbox: ./out }] }\n"
        #expect(errors("version: 1\nfolders: { outbox: ./out }\n\(routes)").isEmpty, "outboxes may share a folder")
        #expect(
            errors("version: 1\nfolders: { inbox: ./exchange, outbox: ./exchange }\norders: { mapping: o.yml }\n").isEmpty, "no inbox job: no inbox")
    }

    /// An inbox's done_marker is a suffix; true or false there (as orders.done_marker takes) would
    /// make every file wait for NAME.false for ever, so it is refused.
    @Test func anInboxDoneMarkerIsASuffixNotASwitch() throws {
        for marker in ["false", "true", "no", "a/b"] {
            let problems = errors("version: 1\ninventory:\n  { mapping: i.yml, done_marker: \(marker) }\n")
            #expect(
                problems.contains {
                    $0.location.line == 3 && $0.message.hasPrefix("inventory.done_marker is the suffix of the marker file to wait for")
                },
                "\(marker): \(problems)")
        }
        let (config, _) = try load(
            "version: 1\ninventory: { mapping: i.yml, include: [\"stock_*\"], done_marker: ok }\nproducts: { mapping: p.yml, include: [\"products_*\"], done_marker: none }\n"
        )
        #expect(config.inventory?.inbox.doneMarker == ".ok" && config.products?.inbox.doneMarker == nil)
    }

    @Test func unknownKeysAndBadValuesNameTheirLines() {
        let problems = errors("version: 1\nfolder: { outbox: x }\norders:\n  mapping: m.yml\n  order_status: aproved\n  page_size: 5000\n")
        #expect(
            problems.contains {
                $0.location.line == 2 && $0.message.contains("unknown key 'folder'") && $0.message.contains("did you mean 'folders'")
            })
        #expect(problems.contains { $0.location.line == 5 && $0.message.contains("approved_and_shipped") })
        #expect(problems.contains { $0.location.line == 6 && $0.message.contains("page_size must be between 1 and 1000") })
    }

    @Test func tokenFileMustBePrivate() throws {
        let dir = try TemporaryDirectory("token")
        let tokenPath = try dir.write("token", text: "abc123\n")
        chmod(tokenPath, 0o644)
        try dir.write("joorbridge.yml", text: "version: 1\njoor: { token_file: token }\n")
        let config = try BridgeConfig.load(path: dir.path("joorbridge.yml"), environment: [:])
        let error = #expect(throws: ConfigError.self) { try config.loadToken(environment: [:]) }
        #expect(error?.description.contains("chmod 600") == true)
        chmod(tokenPath, 0o600)
        #expect(try config.loadToken(environment: [:]).value == "abc123")
        #expect("\(try config.loadToken(environment: [:]))" == "<redacted>")
        // A file that cannot be read as text is not called empty.
        try Data([0xFF, 0xFE, 0x00, 0xD8]).write(to: URL(fileURLWithPath: tokenPath))
        let binary = #expect(throws: ConfigError.self) { try config.loadToken(environment: [:]) }
        #expect(binary?.description.contains("cannot be read; it is not a file of UTF-8 text") == true, "\(String(describing: binary))")
        try "  \n".write(toFile: tokenPath, atomically: false, encoding: .utf8)
        let empty = #expect(throws: ConfigError.self) { try config.loadToken(environment: [:]) }
        #expect(empty?.description.contains("is empty") == true, "\(String(describing: empty))")
    }

    /// systemd's `LoadCredential=joor-token:…` puts the token in `$CREDENTIALS_DIRECTORY`; the
    /// environment variable still wins, and a credential others can read is refused like a token file.
    @Test func tokenFromASystemdCredential() throws {
        let (config, _) = try load("version: 1\njoor: { token_env: MY_JOOR_TOKEN }\n")
        let credentials = try TemporaryDirectory("credentials")
        let file = try credentials.write("joor-token", text: "from-credential\n")
        chmod(file, 0o400)
        #expect(try config.loadToken(environment: ["CREDENTIALS_DIRECTORY": credentials.path]).value == "from-credential")
        #expect(try config.loadToken(environment: ["CREDENTIALS_DIRECTORY": credentials.path, "MY_JOOR_TOKEN": "from-env"]).value == "from-env")
        chmod(file, 0o644)
        let error = #expect(throws: ConfigError.self) { try config.loadToken(environment: ["CREDENTIALS_DIRECTORY": credentials.path]) }
        #expect(error?.description.contains("the systemd credential joor-token") == true)
        let none = #expect(throws: ConfigError.self) { try config.loadToken(environment: ["CREDENTIALS_DIRECTORY": credentials.path("elsewhere")]) }
        #expect(none?.description.contains("LoadCredential=joor-token:FILE") == true)
        // An empty credential counts as none.
        try credentials.write("joor-token", text: "")
        let empty = #expect(throws: ConfigError.self) { try config.loadToken(environment: ["CREDENTIALS_DIRECTORY": credentials.path]) }
        #expect(empty?.description.contains("set the environment variable MY_JOOR_TOKEN") == true)
    }

    @Test func missingTokenSaysWhichVariable() throws {
        let (config, _) = try load("version: 1\njoor: { token_env: MY_JOOR_TOKEN }\n")
        let error = #expect(throws: ConfigError.self) { try config.loadToken(environment: [:]) }
        #expect(error?.description.contains("set the environment variable MY_JOOR_TOKEN") == true)
    }

    @Test func v4Settings() throws {
        let (config, _) = try load(
            """
            version: 1
            joor:
              api: v4
              v4: { client_id: brand-client, username: ops@brand.example, account: "42" }
            """)
        #expect(config.joor.productsAPI == .v4)
        let credentials = try config.loadV4Credentials(environment: ["JOOR_CLIENT_SECRET": "s", "JOOR_PASSWORD": "p"])
        #expect(credentials?.account == "42" && credentials?.clientSecret.value == "s")
        #expect(errors("version: 1\njoor: { api: v4 }\n").contains { $0.message.contains("joor.api: v4 needs joor.v4") })
    }
}
