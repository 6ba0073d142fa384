import Foundation
import JoorAPI
import JoorModels
import Logging
import Mapping
import SFTP

/// What `joorbridge check --connect` found at one place it logged in to: JOOR (v2 orders, v4
/// products) or an `sftp://` folder.
public struct ConnectionProbe: Sendable {
    /// `JOOR v2 (orders)`, `JOOR v4 (products)`, `inbox` or `outbox`.
    public var role: String
    public var url: String
    /// What was verified, when everything was.
    public var confirmed: String?
    /// What went wrong, with what to do.
    public var problem: String?
    /// Whether the problem is in the configuration (a credential not set, a key file not
    /// readable), found before anything was contacted, rather than at the other end.
    public var problemIsConfiguration = false
}

extension BridgeConfig {
    /// Logs in to every `sftp://` folder of the config (host key, key, passphrase) and looks at
    /// the folder, changing nothing on the server.
    public func probeRemoteFolders(environment: [String: String] = ProcessInfo.processInfo.environment) -> [ConnectionProbe] {
        [("inbox", folders.remoteInbox), ("outbox", folders.remoteOutbox)].compactMap { role, url in
            guard let url else { return nil }
            var probe = ConnectionProbe(role: role, url: url)
            let location: SFTPLocation
            do { location = try sftpLocation(url, environment: environment) } catch {
                probe.problem = "\(error)"
                probe.problemIsConfiguration = true
                return probe
            }
            do {
                let connection = SFTPConnection(location)
                defer { connection.close() }
                let (fingerprint, folder) = try connection.perform { client throws(SFTPError) in
                    (client.hostKeyFingerprint, try client.stat(connection.folder))
                }
                guard let folder, !folder.isRegularFile else {
                    probe.problem =
                        "\(connection.describe(connection.folder)): no such folder on the server; create it, or fix the path in folders.\(role)"
                    return probe
                }
                probe.confirmed = "logged in as \(location.user), host key \(fingerprint) trusted, the folder is there"
            } catch {
                probe.problem = "\(error)"
            }
            return probe
        }
    }
}

extension BridgeConfig {
    /// Checks the JOOR credentials with cheap reads that change nothing, and that JOOR's answers
    /// have the shape joorbridge reads: one order (`sync=0`, `count=1`: nothing is marked
    /// exported) with the API token, and — with `joor.api: v4` — one product after the v4 login.
    /// A refused credential, an unreachable JOOR or an answer of another shape is a problem that
    /// names the credential or the first field that differs.
    public func probeJOOR(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) async -> [ConnectionProbe] {
        var probes: [ConnectionProbe] = []
        var v2 = ConnectionProbe(role: "JOOR v2 (orders)", url: endpoint.v2)
        let client: JoorClient
        do {
            let token = try loadToken(environment: environment)
            let v4 = joor.productsAPI == .v4 ? try loadV4Credentials(environment: environment) : nil
            client = makeClient(token: token, v4: v4, logger: logger)
        } catch {
            v2.problem = "\(error)"
            v2.problemIsConfiguration = true
            return [v2]
        }
        do throws(JoorAPIError) {
            let reply = try await client.ordersReply(OrdersQuery(orderType: orders?.status.orderType ?? 6, sync: false, count: 1))
            v2 = Self.judge(
                v2, ResponseShape.orders(reply),
                credential: "the API token (\(joor.tokenFile.map { "token_file \($0)" } ?? "token_env \(joor.tokenEnv)"))", items: "order")
        } catch {
            v2.problem =
                error.kind == .unauthorized
                ? "JOOR refused the API token (\(joor.tokenFile.map { "token_file \($0)" } ?? "token_env \(joor.tokenEnv)")): \(error.message). Sandbox and production use different tokens (joor.test_mode)."
                : "\(error)"
        }
        probes.append(v2)
        if joor.productsAPI == .v4, let v4 = joor.v4 {
            var probe = ConnectionProbe(role: "JOOR v4 (products)", url: endpoint.v4)
            do throws(JoorAPIError) {
                probe = Self.judge(
                    probe, ResponseShape.v4(try await client.productsReply()),
                    credential: "the v4 login (client_id \(v4.clientID), username \(v4.username))", items: "product")
            } catch {
                probe.problem =
                    error.kind == .unauthorized
                    ? "JOOR refused the v4 login (client_id \(v4.clientID), username \(v4.username), secrets from \(v4.clientSecretEnv) and \(v4.passwordEnv)): \(error.message)"
                    : "\(error)"
            }
            probes.append(probe)
        }
        return probes
    }

    private static func judge(_ probe: ConnectionProbe, _ shape: ResponseShape.Report, credential: String, items: String) -> ConnectionProbe {
        var probe = probe
        if let problem = shape.problem {
            probe.problem = "JOOR accepted \(credential), but its answer does not have the shape joorbridge reads: \(problem)"
        } else {
            probe.confirmed =
                "\(credential) accepted; the answer has the expected shape (\(shape.items) \(items)(s) read\(shape.notes.isEmpty ? "" : "; " + shape.notes.joined(separator: "; ")))"
        }
        return probe
    }
}
