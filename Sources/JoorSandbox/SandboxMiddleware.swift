import Foundation
import HTTPTypes
import Hummingbird
import JoorModels
import NIOCore

/// What the sandbox knows of a request as it passes its middleware: the body, read once.
struct SandboxContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The whole request body (read by ``BodyMiddleware``).
    var body = Data()
    /// A planned fault that lets the request be carried out, then loses its answer (set by
    /// ``FaultMiddleware``, carried out by ``AnswerLossMiddleware`` once the request got past the
    /// credentials and the credits).
    var answerLoss: AnswerLoss?

    /// How an answer is lost after the request was carried out.
    enum AnswerLoss {
        case cut
        case status(Int)
    }

    init(source: Source) { coreContext = .init(source: source) }

    /// The query string as a dictionary (the last value wins).
    static func query(of request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        return query
    }
}

/// Answers what went wrong as JOOR-style JSON: a path nobody serves is 404, a failure inside the
/// sandbox 500 with its reason.
struct JSONErrorMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return SandboxResponse.json(404, ["error": .string("the sandbox does not serve \(request.method) \(request.uri.path)")])
        } catch {
            return SandboxResponse.json(500, ["error": .string("sandbox failure: \(error)")])
        }
    }
}

/// Reads the request body into the context (up to 256 MiB), so logging and handlers share it.
struct BodyMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        do {
            var buffer = try await request.body.collect(upTo: 256 << 20)
            context.body = buffer.readData(length: buffer.readableBytes) ?? Data()
        } catch {
            return SandboxResponse.json(400, ["error": .string("the request body could not be read")])
        }
        return try await next(request, context)
    }
}

/// Records every API request (method, path, query, body) for read-back by tests.
struct RequestLogMiddleware: RouterMiddleware {
    let state: SandboxState

    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        state.noteArrival(at: request.uri.path)
        await state.log(LoggedRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", body: context.body))
        return try await next(request, context)
    }
}

/// Fires the faults planned through `POST /sandbox/faults`: answers instead of JOOR, delays, or
/// marks the request so that ``AnswerLossMiddleware`` loses its answer once it is carried out.
struct FaultMiddleware: RouterMiddleware {
    let state: SandboxState

    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        let plan = await state.faults
        if let prefix = plan.pathPrefix, !request.uri.path.hasPrefix(prefix) { return try await next(request, context) }
        if let part = plan.queryContains, !(request.uri.query ?? "").contains(part) { return try await next(request, context) }
        switch await state.takeFault() {
        case .status(let status)?:
            return SandboxResponse.json(
                status, ["error": .string("injected failure")], headers: status == 429 || status == 503 ? ["Retry-After": "0.05"] : [:])
        case .cutConnection?:
            return SandboxResponse.cutConnection()
        case .malformedBody?:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"orders\": [ {\"order_id\": ")))
        case .delay(let ms)?:
            try? await Task.sleep(for: .milliseconds(ms))
            return try await next(request, context)
        case .processThenCut?:
            var context = context
            context.answerLoss = .cut
            return try await next(request, context)
        case .processThenStatus(let status)?:
            var context = context
            context.answerLoss = .status(status)
            return try await next(request, context)
        case nil:
            return try await next(request, context)
        }
    }
}

/// Loses the answer of a request that was carried out, as ``FaultMiddleware`` planned: the
/// connection is cut, or an error status replaces the answer. Innermost on the v2 routes, so a
/// request refused for its token or credits, or a path not served, keeps its answer (and v4
/// answers are never lost, as before).
struct AnswerLossMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        let answer = try await next(request, context)
        guard let loss = context.answerLoss, answer.status != .notFound else { return answer }
        switch loss {
        case .cut: return SandboxResponse.cutConnection()
        case .status(let status): return SandboxResponse.json(status, ["error": .string("injected failure after the request was carried out")])
        }
    }
}

/// JOOR's v2 conventions: "a content MIME type must be sent", calls without one "are not
/// processed" (joor-api.md; even on a GET). They are refused with 415 (the status JOOR gives is
/// not documented), after the token check, so a client that forgets it finds out in the sandbox.
struct ContentTypeMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        guard let type = request.headers[.contentType], !type.isEmpty else { return SandboxResponse.missingContentType }
        return try await next(request, context)
    }
}

/// The v2 API token: `Authorization: OAuth2 <base64 token>` (scheme in any case), or `Bearer <token>`.
struct APITokenMiddleware: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        guard authorized(request.headers[.authorization]) else { return SandboxResponse.unauthorized }
        return try await next(request, context)
    }

    func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return false }
        let scheme = parts[0].lowercased()
        let credential = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let decoded = Data(base64Encoded: credential).map { String(decoding: $0, as: UTF8.self) }
        switch scheme {
        case "oauth2": return decoded == token
        case "bearer": return credential == token || decoded == token
        default: return false
        }
    }
}

/// The v4 access token: `Authorization: Bearer <token from POST /auth>`, still valid.
struct V4TokenMiddleware: RouterMiddleware {
    let state: SandboxState

    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            await state.v4TokenIsValid(String(header.dropFirst(7)))
        else {
            return SandboxResponse.unauthorized
        }
        return try await next(request, context)
    }
}

/// JOOR's rate limit: a read costs 1 credit, a write 5; without credits left, 429 with `Retry-After`.
struct CreditMiddleware: RouterMiddleware {
    let state: SandboxState

    func handle(_ request: Request, context: SandboxContext, next: (Request, SandboxContext) async throws -> Response) async throws -> Response {
        if let wait = await state.spendCredits(request.method == .get ? 1 : 5) {
            return SandboxResponse.json(429, ["error": .string("rate limit exceeded")], headers: ["Retry-After": String(format: "%.3f", wait)])
        }
        return try await next(request, context)
    }
}

/// Serves a path with its trailing slashes removed (`/v2/orders/` is `/v2/orders`), as JOOR does.
struct TrailingSlashResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == SandboxContext {
    let inner: Inner

    func respond(to request: Request, context: SandboxContext) async throws -> Response {
        var path = request.uri.path
        guard path.count > 1 && path.hasSuffix("/") else { return try await inner.respond(to: request, context: context) }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        var head = request.head
        head.path = path + (request.uri.query.map { "?" + $0 } ?? "")
        return try await inner.respond(to: Request(head: head, body: request.body), context: context)
    }
}

/// The sandbox's JSON answers.
enum SandboxResponse {
    static let unauthorized = json(401, ["error": .string("missing or invalid API token")])
    static let missingContentType = json(415, ["error": .string("no Content-Type: JOOR does not process a call without a content MIME type")])

    static func json(_ status: Int, _ object: [String: JSONValue], headers: [String: String] = [:]) -> Response {
        json(status, .object(object), headers: headers)
    }

    static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> Response {
        respond(status, (try? JSONEncoder.canonical().encode(value)) ?? Data("{}".utf8), headers: headers)
    }

    static func encodable<T: Encodable>(_ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return respond(200, (try? encoder.encode(value)) ?? Data("[]".utf8), headers: [:])
    }

    /// A response that starts, then breaks off: the client sees a dropped connection.
    static func cutConnection() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(contentLength: 4096) { writer in
                try await writer.write(ByteBuffer(string: "{\"orders\": {\"response\": {\"code\": 0"))
                throw SandboxRefusal("connection cut on purpose")
            })
    }

    /// The answer in JOOR's XML form (see ``SandboxXML``); in JSON when it has no single root.
    static func xml(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> Response {
        guard let document = try? SandboxXML.document(value) else { return json(status, value, headers: headers) }
        return respond(status, Data(document), headers: headers.merging(["Content-Type": "application/xml; charset=utf-8"]) { $1 })
    }

    private static func respond(_ status: Int, _ data: Data, headers: [String: String]) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { if let field = HTTPField.Name(name) { fields[field] = value } }
        return Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}
