/// Why a JOOR call failed. Messages never contain the API token.
public struct JoorAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// JOOR answered 401 or 403: the token is wrong, expired or lacks rights.
        case unauthorized
        /// JOOR could not be reached (connection refused, DNS, TLS, timeouts) after every retry.
        case unreachable
        /// JOOR kept answering 429 (or 503) beyond the retry budget.
        case rateLimited
        /// JOOR answered with an error status (after retries where allowed).
        case httpStatus(Int)
        /// JOOR answered a call that sends no data of the caller's (a read, the v4 login) with a
        /// server error (5xx), after the retries where the call may be retried: JOOR is failing,
        /// not refusing what was sent.
        case serverError(Int)
        /// JOOR answered 200 but reported an error in the body (`response.code` not 0, v4 `errors`).
        case rejected
        /// The answer could not be understood.
        case malformedResponse
        /// A product job did not finish in time.
        case jobTimedOut
    }

    public var kind: Kind
    /// The method and path called (`GET /v2/orders`), without query or credentials.
    public var request: String
    public var message: String

    public init(_ kind: Kind, request: String, message: String) {
        self.kind = kind
        self.request = request
        self.message = message
    }

    /// Whether JOOR may have carried the request out although no good answer came back (a
    /// timeout, a connection cut mid-answer, a 5xx, a garbled body). For a synchronising order
    /// pull this means a page may be marked exported without joorbridge having seen it.
    public var mayHaveBeenProcessed: Bool {
        switch kind {
        case .unreachable, .malformedResponse: true
        case .httpStatus(let status): status >= 500
        case .serverError: true
        default: false
        }
    }

    /// Whether JOOR refused what the call carried, as a whole: HTTP 400, 413 or 422, or
    /// `response.code` not 0. A part of it may be what JOOR cannot take (the products job then
    /// sends it again in halves to find that part).
    public var refusesTheData: Bool {
        switch kind {
        case .rejected: true
        case .httpStatus(let status): [400, 413, 422].contains(status)
        default: false
        }
    }

    /// Whether this means JOOR is unreachable, failing or refusing the token (the run ends as
    /// unavailable). A 5xx that outlasts the retries of a write is JOOR refusing that one request
    /// (its data may be what JOOR cannot take): the run ends partial, and the file's attempt counts.
    public var isUnavailable: Bool {
        switch kind {
        case .unauthorized, .unreachable, .rateLimited, .serverError: true
        default: false
        }
    }

    public var description: String {
        switch kind {
        case .unauthorized:
            "JOOR rejected the API token (\(request)): \(message). Check token_env / token_file and test_mode (sandbox and production use different tokens)."
        case .unreachable: "JOOR is unreachable (\(request)): \(message)"
        case .rateLimited: "JOOR's rate limit was hit again and again (\(request)): \(message)"
        case .httpStatus(let status): "JOOR answered HTTP \(status) to \(request): \(message)"
        case .serverError(let status): "JOOR is failing: HTTP \(status) to \(request): \(message). Try again later."
        case .rejected: "JOOR refused \(request): \(message)"
        case .malformedResponse: "JOOR's answer to \(request) could not be read: \(message)"
        case .jobTimedOut: "JOOR's job did not finish in time (\(request)): \(message)"
        }
    }
}
