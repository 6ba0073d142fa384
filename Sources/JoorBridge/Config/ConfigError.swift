import Foundation
import Mapping

/// Why the bridge cannot run as configured: the config file, a mapping it names, a secret or a
/// file it points to. Each case names the file to fix and says what to do; the CLI ends a run
/// that meets one as "config or mapping invalid".
public enum ConfigError: Error, Sendable, CustomStringConvertible {
    /// Problems found reading the config file or a mapping file (each with file and line).
    case invalid(MappingErrors)
    /// The JOOR API token is set nowhere: neither `token_file`, the environment variable, nor a
    /// systemd credential.
    case missingToken(config: String, variable: String, credential: String)
    /// `joor.v4` is configured but its secrets are not in the environment.
    case missingV4Secrets(config: String, clientSecretVariable: String, passwordVariable: String)
    /// The SFTP key has a passphrase whose environment variable is not set.
    case missingPassphrase(config: String, variable: String)
    /// A secret file the config names (`what` says which) cannot be used as it is.
    case unusableSecretFile(config: String, what: String, file: String, problem: SecretFileProblem)
    /// A folder is an `sftp://` address but the config has no usable `sftp:` section.
    case missingSFTPSection(config: String, url: String)
    /// A job was asked for that the config has no section for.
    case missingSection(config: String, job: Job)
    /// A job's mapping is of another kind than the job reads or writes.
    case wrongMappingKind(mapping: String, found: MappingKind, needed: MappingKind, job: Job)
    /// The products mapping gives fields that `joor.api: v4` cannot send (each with its line).
    case unsentWithV4(mapping: String, fields: [(name: String, line: Int?)])
    /// The products mapping gives `color_code` (at the line) without `color_name`, which v4 needs.
    case colorNamesForV4(mapping: String, line: Int?)

    /// What is wrong with a secret file.
    public enum SecretFileProblem: Sendable, Equatable {
        /// Not there, or not readable by this user; `hint` says how to create it.
        case unreadable(hint: String)
        /// Other users may read it (`mode`: its permission bits, `0o644`).
        case exposed(mode: mode_t)
        /// It holds nothing but white space.
        case empty
    }

    /// Whether this is only a secret missing from the environment: `check` runs in another
    /// environment than the timer or service, so it warns about these rather than failing.
    public var isMissingEnvironmentSecret: Bool {
        switch self {
        case .missingToken, .missingV4Secrets, .missingPassphrase: true
        default: false
        }
    }

    /// The problems, as `check` lists them.
    public var problems: [MappingError] {
        switch self {
        case .invalid(let errors): errors.errors
        case .missingToken(let config, let variable, let credential):
            [
                MappingError(
                    path: config,
                    message:
                        "the JOOR API token is missing: set the environment variable \(variable) (or use joor.token_file, or LoadCredential=\(credential):FILE in the systemd unit)"
                )
            ]
        case .missingV4Secrets(let config, let secret, let password):
            [MappingError(path: config, message: "joor.v4 needs the environment variables \(secret) and \(password)")]
        case .missingPassphrase(let config, let variable):
            [MappingError(path: config, message: "the SFTP key's passphrase is missing: set the environment variable \(variable)")]
        case .unusableSecretFile(let config, let what, let file, let problem):
            switch problem {
            case .unreadable(let hint): [MappingError(path: config, message: "\(what) cannot be read; \(hint)")]
            case .exposed(let mode):
                [MappingError(path: config, message: "\(what) can be read by other users (mode \(String(mode, radix: 8))); run: chmod 600 \(file)")]
            case .empty: [MappingError(path: config, message: "\(what) is empty")]
            }
        case .missingSFTPSection(let config, let url):
            [MappingError(path: config, message: "\(url) needs an sftp: section with key_file and host_key_sha256 (or known_hosts)")]
        case .missingSection(let config, let job):
            [MappingError(path: config, message: "the config has no \(job): section")]
        case .wrongMappingKind(let mapping, let found, let needed, let job):
            [MappingError(path: mapping, message: "this is \(found.withArticle) mapping; the \(job) job needs \(needed.withArticle) mapping")]
        case .colorNamesForV4(let mapping, let line):
            [
                MappingError(
                    path: mapping, line: line,
                    message:
                        "joor.api is v4, which names a SKU's color by its name: map color_name too (its code in its place would rename the color in JOOR)"
                )
            ]
        case .unsentWithV4(let mapping, let fields):
            fields.map { field in
                MappingError(
                    path: mapping, line: field.line,
                    message:
                        "field '\(field.name)' would not reach JOOR: joor.api is v4, whose product API has no place for linesheets or style attributes (but minimum); remove it, or send products with joor.api: v2"
                )
            }
        }
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension MappingFile {
    /// Loads the mapping a job's config names; its problems are the config's.
    static func load(configured path: String) throws(ConfigError) -> MappingFile {
        do { return try load(path: path) } catch { throw .invalid(error) }
    }
}

extension MappingKind {
    /// The kind's name with its article, for messages: "an inventory", "a customers".
    fileprivate var withArticle: String { (rawValue.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + rawValue }
}
