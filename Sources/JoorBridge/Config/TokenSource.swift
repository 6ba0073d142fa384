import Foundation
import JoorAPI
import Logging
import Mapping

extension BridgeConfig {
    /// The systemd credential the token may come from: a unit with
    /// `LoadCredential=joor-token:/etc/joorbridge/BRAND.token` (see `deploy/joorbridge@.service`)
    /// lets joorbridge read it from `$CREDENTIALS_DIRECTORY/joor-token`, so the config names no file.
    public static let tokenCredential = "joor-token"

    /// The JOOR API token: from `token_file` (refused if others can read it), else the environment
    /// variable `token_env`, else the systemd credential ``tokenCredential``.
    public func loadToken(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> Secret {
        if let file = joor.tokenFile {
            return try readToken(file, what: "joor.token_file \(file)")
        }
        if let value = environment[joor.tokenEnv], !value.isEmpty {
            return Secret(value)
        }
        // An empty credential counts as none.
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty,
            let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + Self.tokenCredential))?[.size] as? Int, size > 0
        {
            return try readToken(
                directory + "/" + Self.tokenCredential, what: "the systemd credential \(Self.tokenCredential) (\(directory)/\(Self.tokenCredential))")
        }
        throw .missingToken(config: path, variable: joor.tokenEnv, credential: Self.tokenCredential)
    }

    /// A token file: private to its owner and not empty; the token is its text, trimmed.
    private func readToken(_ file: String, what: String) throws(ConfigError) -> Secret {
        func unusable(_ problem: ConfigError.SecretFileProblem) -> ConfigError {
            .unusableSecretFile(config: path, what: what, file: file, problem: problem)
        }
        guard let status = FileSystem.status(file) else { throw unusable(.unreadable(hint: "create it with the token on one line, mode 600")) }
        guard FileSystem.isReadable(file) else {
            throw unusable(.unreadable(hint: "the user joorbridge runs as may not read it; make that user its owner (mode 600)"))
        }
        if status.isSharedWithOthers { throw unusable(.exposed(mode: status.permissions)) }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw unusable(.unreadable(hint: "it is not a file of UTF-8 text; write the token into it on one line"))
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw unusable(.empty) }
        return Secret(token)
    }

    /// The JOOR endpoint: `base_url` if given, else JOOR's sandbox (test_mode) or production.
    public var endpoint: JoorEndpoint {
        if let base = joor.baseURL { return .local(base) }
        return joor.testMode ? .jooraSandbox : .production
    }

    /// v4 credentials, with their secrets read from the environment.
    public func loadV4Credentials(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> V4Credentials? {
        guard let v4 = joor.v4 else { return nil }
        guard let secret = environment[v4.clientSecretEnv], !secret.isEmpty, let password = environment[v4.passwordEnv], !password.isEmpty else {
            throw .missingV4Secrets(config: path, clientSecretVariable: v4.clientSecretEnv, passwordVariable: v4.passwordEnv)
        }
        return V4Credentials(
            clientID: v4.clientID, clientSecret: Secret(secret), username: v4.username, password: Secret(password), account: v4.account)
    }

    /// A client for this config's account.
    public func makeClient(token: Secret, v4: V4Credentials? = nil, logger: Logger) -> JoorClient {
        var options = JoorClient.Options(
            endpoint: endpoint, token: token,
            budget: CreditBudget(limit: joor.creditLimit, window: .milliseconds(Int64(joor.creditWindowSeconds * 1000))))
        options.requestTimeout = .milliseconds(Int64(joor.requestTimeoutSeconds * 1000))
        options.connectTimeout = .milliseconds(Int64(joor.connectTimeoutSeconds * 1000))
        options.v4 = v4
        return JoorClient(options: options, logger: logger)
    }
}
