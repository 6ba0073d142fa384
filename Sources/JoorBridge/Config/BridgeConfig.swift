import Foundation
import Mapping
import Yams

/// `joorbridge.yml`: how to reach JOOR, where the folders and the state live, and what each job does.
///
/// Relative paths are relative to the config file. `${NAME}` is replaced by the environment
/// variable NAME. Unknown keys are errors with their line; so is a missing required setting.
public struct BridgeConfig: Sendable {
    public struct JOOR: Sendable {
        /// Where the token comes from: an environment variable (default `JOOR_API_TOKEN`) or a file.
        public var tokenEnv = "JOOR_API_TOKEN"
        public var tokenFile: String?
        /// `true` talks to JOOR's sandbox instead of production.
        public var testMode = false
        /// Overrides the host (the local sandbox: `http://127.0.0.1:8080`).
        public var baseURL: String?
        public var account: String?
        public var creditLimit = 300
        public var creditWindowSeconds = 300.0
        public var requestTimeoutSeconds = 60.0
        /// How long one attempt to connect to JOOR may take; after 3 failed attempts the run ends
        /// as unavailable (so at most 3 × this + 1.5 s when JOOR cannot be reached).
        public var connectTimeoutSeconds = 10.0
        /// Which JOOR API creates products.
        public var productsAPI = ProductsAPI.v2
        /// v4 credentials: secrets come from environment variables, never from the file.
        public var v4: V4Settings?
    }

    /// Which JOOR API creates and updates products.
    public enum ProductsAPI: String, Sendable, CaseIterable {
        /// Bulk-style jobs (`POST /v2/bulk-style`, then the job's status).
        case v2
        /// Products, SKUs and prices (`/v4/products`, `/v4/skus`, `/v4/prices`) after an OAuth login.
        case v4
    }

    public struct V4Settings: Sendable {
        public var clientID: String
        public var clientSecretEnv: String
        public var username: String
        public var passwordEnv: String
        public var account: String
    }

    public struct Folders: Sendable {
        /// The local inbox. With a remote inbox, files dropped here are still taken.
        public var inbox: String
        /// The local outbox; with a remote outbox, where files wait until they are uploaded.
        public var outbox: String
        public var processing: String
        public var archive: String
        public var error: String
        /// `sftp://user@host:port/path` when the inbox is on an SFTP server.
        public var remoteInbox: String?
        /// `sftp://user@host:port/path` when the outbox is on an SFTP server.
        public var remoteOutbox: String?
    }

    /// Environment variables that hold secrets: the token variable, the v4 secret and password
    /// variables and the SFTP passphrase variable as configured, and their defaults. A child
    /// process (the notify command) never sees them.
    public var secretVariables: Set<String> {
        var names: Set<String> = ["JOOR_API_TOKEN", "JOOR_CLIENT_SECRET", "JOOR_PASSWORD", joor.tokenEnv]
        if let v4 = joor.v4 { names.formUnion([v4.clientSecretEnv, v4.passwordEnv]) }
        if let passphrase = sftp?.passphraseEnv { names.insert(passphrase) }
        return names
    }

    /// The config file itself.
    public var path: String
    public var joor = JOOR()
    public var folders: Folders
    /// The SQLite state store.
    public var statePath: String
    public var orders: OrdersSettings?
    public var inventory: InventorySettings?
    public var products: ProductsSettings?
    public var notify: NotifySettings?
    /// Login and trust for `sftp://` folders.
    public var sftp: SFTPSettings?
    public var watch = WatchSettings()
    public var log = LogSettings()

    /// A mapping file the config names, with the kind of mapping its job needs there.
    public struct MappingUse: Sendable, Equatable {
        public var path: String
        public var kind: MappingKind
        public var job: Job
    }

    /// Every mapping file the config names, the routes' and cancellations' included, once per kind.
    public var mappingUses: [MappingUse] {
        var uses: [MappingUse] = []
        func add(_ path: String?, _ kind: MappingKind, _ job: Job) {
            guard let path, !uses.contains(where: { $0.path == path && $0.kind == kind }) else { return }
            uses.append(MappingUse(path: path, kind: kind, job: job))
        }
        if let orders {
            for route in [OrdersSettings.Route(name: "default", mapping: orders.mapping)] + orders.routes {
                add(route.mapping, .orders, .orders)
                add(route.customersMapping ?? orders.customersMapping, .customers, .orders)
                add(route.cancellationsMapping ?? orders.cancellationsMapping, .orders, .orders)
            }
        }
        add(inventory?.mapping, .inventory, .inventory)
        add(products?.mapping, .products, .products)
        return uses
    }

    /// Whether a mapping file is of the kind its job needs, and gives only fields the job sends
    /// (the job refuses it otherwise).
    public func check(_ file: MappingFile, for use: MappingUse) throws(ConfigError) {
        guard file.kind == use.kind else { throw .wrongMappingKind(mapping: use.path, found: file.kind, needed: use.kind, job: use.job) }
        if use.job == .products, case .inbound(let mapping) = file.body {
            try ProductsJob.checkFields(of: mapping, at: use.path, api: joor.productsAPI)
        }
    }

    /// The folder the config file is in (relative paths start there).
    public var directory: URL { URL(fileURLWithPath: path).deletingLastPathComponent() }

    /// Which config file to use: `--config`, else `$JOORBRIDGE_CONFIG`, else `./joorbridge.yml`.
    public static func resolvePath(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["JOORBRIDGE_CONFIG"] ?? "joorbridge.yml"
    }

    /// Reads and validates a config file (every problem is reported at once).
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> BridgeConfig {
        let raw: String
        do { raw = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .invalid(
                MappingErrors([
                    MappingError(
                        path: path,
                        message: "cannot read the config file: \(FileSystemError.describe(error)); create one with `joorbridge init`")
                ]))
        }
        let reader = YAMLReader(path: path)
        let text = interpolate(raw, environment: environment, reader: reader)
        let config = ConfigParser(reader: reader, path: path).parse(text)
        if reader.hasErrors || config == nil { throw .invalid(MappingErrors(reader.problems)) }
        return config!
    }

    /// Replaces `${NAME}` with the environment's value, reporting undefined names by line.
    /// Comments are left alone, so a commented-out setting may mention a variable that is not set.
    static func interpolate(_ text: String, environment: [String: String], reader: YAMLReader) -> String {
        var lines: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line[..<commentStart(line)]
            var out = ""
            var rest = code
            while let start = rest.range(of: "${") {
                out += rest[..<start.lowerBound]
                guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
                let name = String(rest[start.upperBound..<end])
                if let value = environment[name] {
                    out += value
                } else {
                    reader.errorAt(line: index + 1, "the environment variable \(name) is not set (used as ${\(name)})")
                }
                rest = rest[rest.index(after: end)...]
            }
            lines.append(out + rest + line[code.endIndex...])
        }
        return lines.joined(separator: "\n")
    }

    /// Where a YAML comment starts on `line` (a `#` at the start or after a space, outside quotes).
    static func commentStart(_ line: Substring) -> Substring.Index {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let c = line[index]
            if let open = quote {
                if c == open { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" && (previous == " " || previous == "\t") {
                return index
            }
            previous = c
        }
        return line.endIndex
    }

    /// Resolves a path from the config against the config's folder.
    func resolve(_ value: String) -> String {
        if value.hasPrefix("/") { return value }
        if value.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] { return home + value.dropFirst(1) }
        return directory.appendingPathComponent(value).standardizedFileURL.path
    }
}
