import AsyncHTTPClient
import Foundation
import JoorModels
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Talks to JOOR: v2 auth, every page of orders, bulk inventory and product jobs, within JOOR's
/// credit budget, retrying what is safe to retry. The token never appears in a log or an error.
///
/// ```swift
/// let client = JoorClient(options: .init(endpoint: .local("http://127.0.0.1:8080"), token: Secret(token)))
/// try await client.orders(OrdersQuery(orderType: 6, sync: true)) { page in journal(page) }
/// ```
public final class JoorClient: Sendable {
    public struct Options: Sendable {
        public var endpoint: JoorEndpoint
        public var token: Secret
        /// Timeout of each request.
        public var requestTimeout: Duration = .seconds(60)
        /// How long one attempt to connect may take (``RetryPolicy/connectAttempts`` attempts in all).
        public var connectTimeout: Duration = .seconds(10)
        public var retry = RetryPolicy()
        /// Shared by every client of one account and run.
        public var budget: CreditBudget
        /// Credits a read (GET) and a write cost.
        public var readCost = 1
        public var writeCost = 5
        /// How often to poll a product job, and how long to wait for it at most.
        public var jobPollInterval: Duration = .seconds(2)
        public var jobTimeout: Duration = .seconds(1800)
        /// Credentials for JOOR's v4 product API (the products job's `api: v4` path).
        public var v4: V4Credentials?

        public init(endpoint: JoorEndpoint, token: Secret, budget: CreditBudget = CreditBudget()) {
            self.endpoint = endpoint
            self.token = token
            self.budget = budget
        }
    }

    public let options: Options
    public let stats = RequestStats()
    let v4Tokens = V4TokenStore()
    let ordersPaths = OrdersPaths()
    private let http: HTTPClient
    let logger: Logger
    private let authorization: String

    public init(options: Options, httpClient: HTTPClient? = nil, logger: Logger = Logger(label: "joorbridge.joor")) {
        self.options = options
        http = httpClient ?? JoorHTTP.client(connectTimeout: options.connectTimeout)
        self.logger = logger
        authorization = "OAuth2 " + Data(options.token.value.utf8).base64EncodedString()
    }

    // MARK: Sending

    /// A response that arrived with a 2xx status.
    struct Reply {
        var status: Int
        var body: Data
    }

    /// Sends one call with budget, retries and error classification.
    /// - Parameter idempotent: whether sending it twice does no harm (retried after transport
    ///   errors and 5xx); other calls are only retried after a failed connection or a 429, which
    ///   mean "not processed".
    /// - Parameter authorization: the header to send instead of v2's `OAuth2 …` (v4's bearer
    ///   token), or an empty string for none (the token request itself).
    /// - Parameter carriesData: whether the call sends data JOOR could fail on (a body, or ids
    ///   from a file in the query): a 5xx that outlasts the retries is then JOOR refusing this
    ///   call (``JoorAPIError/Kind/httpStatus(_:)``); otherwise JOOR is failing
    ///   (``JoorAPIError/Kind/serverError(_:)``). By default, every call but a GET.
    func send(
        _ method: HTTPMethod, url: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String = "application/json", authorization override: String? = nil, idempotent: Bool, carriesData: Bool? = nil
    ) async throws(JoorAPIError) -> Reply {
        let label = "\(method.rawValue) \(URL(string: url)?.path ?? url)"
        let cost = method == .GET ? options.readCost : options.writeCost
        var attempt = 0
        var rateLimitHits = 0
        var connectFailures = 0
        while true {
            attempt += 1
            let window: CreditBudget.Window?
            do { window = try await options.budget.spend(cost) } catch {
                throw JoorAPIError(.unreachable, request: label, message: "cancelled while waiting for rate-limit credits")
            }
            await stats.record(credits: cost, retry: attempt > 1)
            var request = HTTPClientRequest(url: Self.url(url, query))
            request.method = method
            let header = override ?? authorization
            if !header.isEmpty { request.headers.add(name: "Authorization", value: header) }
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "Content-Type", value: contentType)
            request.headers.add(name: "User-Agent", value: "joorbridge")
            if let body { request.body = .bytes(ByteBuffer(data: body)) }
            logger.debug("JOOR request", metadata: ["request": "\(label)", "attempt": "\(attempt)"])

            let status: Int
            let responseBody: Data
            let retryAfter: Duration?
            do {
                let response = try await http.execute(request, timeout: .nanoseconds(options.requestTimeout.nanoseconds))
                status = Int(response.status.code)
                let throttling = response.headers.filter { $0.name.lowercased().hasPrefix("x-throttling") }
                if !throttling.isEmpty {
                    logger.debug(
                        "JOOR rate-limit headers",
                        metadata: Dictionary(throttling.map { ($0.name, Logger.MetadataValue.string($0.value)) }) { first, _ in first })
                }
                retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init).map { .milliseconds(Int64($0 * 1000)) }
                var buffer = try await response.body.collect(upTo: 256 << 20)
                responseBody = buffer.readData(length: buffer.readableBytes) ?? Data()
                if let window { await options.budget.answered(window) }
            } catch {
                if let window { await options.budget.answered(window) }
                let reason = redact(String(describing: error))
                if JoorHTTP.isConnectFailure(error) {
                    // Nothing was sent: any request may try again, a few times, then JOOR is unreachable.
                    connectFailures += 1
                    logger.warning(
                        "cannot connect to JOOR", metadata: ["request": "\(label)", "attempt": "\(connectFailures)", "error": "\(reason)"])
                    guard connectFailures < options.retry.connectAttempts else {
                        throw JoorAPIError(.unreachable, request: label, message: "\(reason) (could not connect in \(connectFailures) attempts)")
                    }
                    attempt -= 1
                    try await pause(.milliseconds(500 * Int64(connectFailures)), label)
                    continue
                }
                logger.warning("JOOR request failed", metadata: ["request": "\(label)", "attempt": "\(attempt)", "error": "\(reason)"])
                guard idempotent, attempt < options.retry.maxAttempts else {
                    throw JoorAPIError(.unreachable, request: label, message: "\(reason) (after \(attempt) attempt\(attempt == 1 ? "" : "s"))")
                }
                try await pause(options.retry.backoff(after: attempt), label)
                continue
            }

            switch status {
            case 200..<300:
                return Reply(status: status, body: responseBody)
            case 401, 403:
                throw JoorAPIError(.unauthorized, request: label, message: "HTTP \(status)")
            case 429:
                rateLimitHits += 1
                await stats.recordRateLimit()
                await options.budget.rateLimited(retryAfter: retryAfter.map { min($0, options.retry.maxRateLimitWait) })
                logger.warning(
                    "JOOR rate limit",
                    metadata: ["request": "\(label)", "status": "\(status)", "retry_after": "\(retryAfter.map { "\($0)" } ?? "window")"])
                guard rateLimitHits < options.retry.maxAttempts * 2 else {
                    throw JoorAPIError(.rateLimited, request: label, message: "HTTP \(status) \(rateLimitHits) times in a row")
                }
                attempt -= 1  // a rate-limited call was not processed: it does not use up an attempt
            case 500...599:
                // JOOR documents only 429 for rate limits: a 503 may come from a proxy after JOOR
                // carried the request out, so it is a server error like the others.
                guard idempotent, attempt < options.retry.maxAttempts else {
                    throw JoorAPIError(
                        carriesData ?? (method != .GET) ? .httpStatus(status) : .serverError(status), request: label,
                        message: snippet(responseBody) + " (after \(attempt) attempt\(attempt == 1 ? "" : "s"))")
                }
                logger.warning("JOOR server error", metadata: ["request": "\(label)", "status": "\(status)", "attempt": "\(attempt)"])
                try await pause(options.retry.backoff(after: attempt), label)
            default:
                throw JoorAPIError(.httpStatus(status), request: label, message: snippet(responseBody))
            }
        }
    }

    private func pause(_ delay: Duration, _ label: String) async throws(JoorAPIError) {
        do { try await Task.sleep(for: delay) } catch {
            throw JoorAPIError(.unreachable, request: label, message: "cancelled while waiting to retry")
        }
    }

    /// Removes the token (plain and base64) from text that may be logged or shown.
    func redact(_ text: String) -> String {
        var secrets = [options.token.value, Data(options.token.value.utf8).base64EncodedString()]
        if let v4 = options.v4 { secrets += [v4.clientSecret.value, v4.password.value] }
        var text = text
        for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "<redacted>") }
        return text
    }

    private func snippet(_ body: Data) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return redact(text.isEmpty ? "(empty body)" : text)
    }

    static func url(_ base: String, _ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return base }
        var components = URLComponents(string: base)
        components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` is a space to many servers; JOOR timestamps carry offsets like +00:00.
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        return components?.string ?? base
    }

    func decodeFailure(_ label: String, _ error: Error) -> JoorAPIError {
        JoorAPIError(.malformedResponse, request: label, message: redact(String(describing: error)))
    }
}

extension Duration {
    /// The duration in whole nanoseconds (sub-second timeouts must not become zero).
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

/// What a run asked of JOOR, for the run summary.
public actor RequestStats {
    public private(set) var requests = 0
    public private(set) var credits = 0
    public private(set) var retries = 0
    public private(set) var rateLimited = 0

    public init() {}

    func record(credits cost: Int, retry: Bool) {
        requests += 1
        credits += cost
        if retry { retries += 1 }
    }

    func recordRateLimit() { rateLimited += 1 }
}
