import Foundation
import HTTPTypes
import Hummingbird
import JoorModels
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
import Synchronization

/// A local stand-in for JOOR on 127.0.0.1: the v2 orders, bulk inventory and bulk style APIs
/// with JOOR's semantics (auth, export flags, paging, rate limit, per-item validation), plus
/// read-back and fault-injection endpoints under `/sandbox/`.
///
/// ```swift
/// let sandbox = try await JoorSandboxServer(configuration: config)
/// let port = try await sandbox.start()
/// … // talk to http://127.0.0.1:\(port)
/// await sandbox.stop()
/// ```
public final class JoorSandboxServer: Sendable {
    public let configuration: SandboxConfiguration
    public let state: SandboxState
    private struct Running: Sendable {
        var task: Task<Void, Error>
        var group: ServiceGroup
    }
    private let running = Mutex<Running?>(nil)
    private let boundPort = Mutex<Int>(0)
    private let logger: Logger

    public init(configuration: SandboxConfiguration, logger: Logger? = nil) async throws {
        self.configuration = configuration
        state = try await SandboxState(configuration: configuration)
        var quiet = Logger(label: "joorbridge.sandbox")
        quiet.logLevel = .error
        self.logger = logger ?? quiet
    }

    /// The base URL clients use (`http://127.0.0.1:PORT`), once started.
    public var baseURL: String { "http://127.0.0.1:\(boundPort.withLock { $0 })" }

    /// Starts serving and returns the bound port.
    ///
    /// The server runs on its own executor (``SandboxExecutor``), not on Swift's cooperative pool:
    /// a test process whose other tests keep that pool busy would otherwise starve the sandbox, and
    /// a client in the same process would see timeouts that JOOR never causes.
    @discardableResult
    public func start() async throws -> Int {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await self.respond(to: request) },
            configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: "joor-sandbox"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        let task: Task<Void, Error>
        if #available(macOS 15.0, *) {
            task = Task(executorPreference: SandboxExecutor.shared) { try await group.run() }
        } else {
            task = Task { try await group.run() }
        }
        running.withLock { $0 = Running(task: task, group: group) }
        for await port in ports {
            boundPort.withLock { $0 = port }
            return port
        }
        await group.triggerGracefulShutdown()
        _ = try await task.value
        throw SandboxRefusal("the sandbox could not start on port \(configuration.port)")
    }

    /// Stops serving and waits until the server has shut down: gracefully (requests in flight are
    /// answered, idle connections closed), so no NIO writer is left unfinished.
    public func stop() async {
        let running = running.withLock { running in
            defer { running = nil }
            return running
        }
        guard let running else { return }
        await running.group.triggerGracefulShutdown()
        _ = try? await running.task.value
    }

    /// Serves until the surrounding task is cancelled (the `joorbridge sandbox` command), then shuts
    /// down gracefully.
    public func runUntilCancelled() async throws {
        try await start()
        guard let running = running.withLock({ $0 }) else { return }
        try await withTaskCancellationHandler {
            _ = try await running.task.value
        } onCancel: {
            Task { await running.group.triggerGracefulShutdown() }
        }
    }

    // MARK: Routing

    func respond(to request: Request) async -> Response {
        var path = request.uri.path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let method = request.method.rawValue
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        var request = request
        let body: Data
        do {
            var buffer = try await request.body.collect(upTo: 256 << 20)
            body = buffer.readData(length: buffer.readableBytes) ?? Data()
        } catch {
            return Self.json(400, ["error": .string("the request body could not be read")])
        }
        if path.hasPrefix("/sandbox") {
            return await control(method, path, query, body)
        }
        if path == "/auth" && method == "POST" {
            await state.count("POST /auth")
            do {
                let answer = try await state.issueToken(body, contentType: request.headers[.contentType])
                return Self.json(answer.status, answer.body)
            } catch {
                return Self.json(500, ["error": .string("sandbox failure: \(error)")])
            }
        }
        guard path.hasPrefix("/v2") || path.hasPrefix("/v4") else {
            return Self.json(404, ["error": .string("no such endpoint: \(method) \(path)")])
        }
        await state.log(LoggedRequest(method: method, path: path, query: request.uri.query ?? "", body: body))
        var loseAnswer: InjectedFault.Loss?
        switch await fault(for: path, query: request.uri.query ?? "") {
        case .answer(let response)?: return response
        case .loseAnswer(let loss)?: loseAnswer = loss
        case nil: break
        }
        let bearer = request.headers[.authorization].flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
        let v4Authorized = path.hasPrefix("/v4") ? await bearer.asyncMap { await state.v4TokenIsValid($0) } ?? false : false
        guard path.hasPrefix("/v4") ? v4Authorized : authorized(request.headers[.authorization]) else {
            return Self.json(401, ["error": .string("missing or invalid API token")])
        }
        let cost = method == "GET" ? 1 : 5
        if let wait = await state.spendCredits(cost) {
            return Self.json(429, ["error": .string("rate limit exceeded")], headers: ["Retry-After": String(format: "%.3f", wait)])
        }
        do {
            let answer: SandboxState.Answer
            switch (method, path) {
            case ("GET", let p) where p == "/v2/orders" || p == "/v2/order":
                guard configuration.answers.ordersPaths.contains(p) else {
                    return Self.json(404, ["error": .string("the sandbox does not serve \(method) \(path) in this mode")])
                }
                await state.count("GET /v2/orders")
                answer = try await state.listOrders(query)
            case (_, let p) where method == "GET" && (p.hasPrefix("/v2/orders/") || p.hasPrefix("/v2/order/")):
                await state.count("GET /v2/orders")
                query["order_id"] = String(p.split(separator: "/").last ?? "")
                query["sync"] = query["sync"] ?? "0"
                query["order_type"] = query["order_type"] ?? "8"
                answer = try await state.listOrders(query)
            case ("POST", "/v2/bulk-inventory"), ("PUT", "/v2/bulk-inventory"):
                await state.count("POST /v2/bulk-inventory")
                answer = try await state.bulkInventory(body, query: query)
            case ("POST", "/v2/bulk-style"):
                await state.count("POST /v2/bulk-style")
                answer = try await state.submitStyles(body)
            case (_, let p) where method == "GET" && p.hasPrefix("/v2/bulk-style/"):
                await state.count("GET /v2/bulk-style")
                answer = try await state.styleJob(String(p.split(separator: "/").last ?? ""))
            default:
                if path.hasPrefix("/v4/"), let v4 = try await state.v4(method, path, query, body) {
                    await state.count("\(method) \(path)")
                    return Self.json(v4.status, v4.body)
                }
                return Self.json(404, ["error": .string("the sandbox does not serve \(method) \(path)")])
            }
            switch loseAnswer {
            case .cut?: return Self.cutConnection()
            case .status(let status)?: return Self.json(status, ["error": .string("injected failure after the request was carried out")])
            case nil: break
            }
            return Self.json(answer.status, answer.body, headers: answer.headers)
        } catch {
            return Self.json(500, ["error": .string("sandbox failure: \(error)")])
        }
    }

    /// `Authorization: OAuth2 <base64 token>` (scheme in any case), or `Bearer <token>`.
    func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return false }
        let scheme = parts[0].lowercased(), credential = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let decoded = Data(base64Encoded: credential).map { String(decoding: $0, as: UTF8.self) }
        switch scheme {
        case "oauth2": return decoded == configuration.token
        case "bearer": return credential == configuration.token || decoded == configuration.token
        default: return false
        }
    }

    private enum InjectedFault {
        enum Loss { case cut, status(Int) }
        /// Answer with this instead of carrying the request out.
        case answer(Response)
        /// Carry the request out, then cut the connection or answer with an error status.
        case loseAnswer(Loss)
    }

    private func fault(for path: String, query: String) async -> InjectedFault? {
        let plan = await state.faults
        if let prefix = plan.pathPrefix, !path.hasPrefix(prefix) { return nil }
        if let part = plan.queryContains, !query.contains(part) { return nil }
        switch await state.takeFault() {
        case .status(let status)?:
            return .answer(Self.json(status, ["error": .string("injected failure")], headers: status == 429 || status == 503 ? ["Retry-After": "0.05"] : [:]))
        case .cutConnection?:
            return .answer(Self.cutConnection())
        case .malformedBody?:
            return .answer(Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"orders\": [ {\"order_id\": "))))
        case .delay(let ms)?:
            try? await Task.sleep(for: .milliseconds(ms))
            return nil
        case .processThenCut?:
            return .loseAnswer(.cut)
        case .processThenStatus(let status)?:
            return .loseAnswer(.status(status))
        case nil:
            return nil
        }
    }

    /// A response that starts, then breaks off: the client sees a dropped connection.
    private static func cutConnection() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(contentLength: 4096) { writer in
            try await writer.write(ByteBuffer(string: "{\"orders\": {\"response\": {\"code\": 0"))
            throw SandboxRefusal("connection cut on purpose")
        })
    }

    // MARK: Read-back and control (for tests and people)

    private func control(_ method: String, _ path: String, _ query: [String: String], _ body: Data) async -> Response {
        do {
            switch (method, path) {
            case ("GET", "/sandbox"), ("GET", "/sandbox/status"):
                let orders = await state.allOrders()
                return Self.json(200, [
                    "orders": .number(Decimal(orders.count)), "exported": .number(Decimal(orders.filter(\.exported).count)),
                    "styles": .number(Decimal(await state.allStyles().count)), "stock_positions": .number(Decimal(await state.allStock().count)),
                    "requests": .object((await state.requestCounts).mapValues { .number(Decimal($0)) }),
                ])
            case ("GET", "/sandbox/inventory"):
                return Self.encodable(await state.allStock())
            case ("GET", "/sandbox/styles"):
                return Self.encodable(await state.allStyles())
            case ("GET", "/sandbox/orders"):
                return Self.encodable(await state.allOrders().map(OrderSummary.init))
            case ("POST", "/sandbox/faults"):
                await state.plan(try JSONDecoder().decode(FaultPlan.self, from: body.isEmpty ? Data("{}".utf8) : body))
                return Self.json(200, ["ok": .bool(true)])
            case ("POST", "/sandbox/reset-counts"):
                await state.resetCounts()
                return Self.json(200, ["ok": .bool(true)])
            case (_, let p) where method == "POST" && p.hasPrefix("/sandbox/orders/") && (p.hasSuffix("/modify") || p.hasSuffix("/cancel")):
                // modify: a JSON object of order fields to set (`{"customer_code": "HLB001"}`),
                // or ?comment=; cancel: the order becomes cancelled. Both flag it modified.
                let id = String(p.split(separator: "/").dropLast().last ?? "")
                var fields: [String: String] = [:]
                if !body.isEmpty, case .object(let object) = try JSONValue.parse(body) {
                    for (key, value) in object { fields[key] = value.text ?? "" }
                }
                if fields.isEmpty && p.hasSuffix("/modify") { fields["order_comments"] = query["comment"] ?? "changed in JOOR" }
                let found = try await state.modify(orderID: id, fields: fields, status: p.hasSuffix("/cancel") ? .cancelled : nil)
                return Self.json(found ? 200 : 404, ["ok": .bool(found)])
            default:
                return Self.json(404, ["error": .string("no such sandbox endpoint: \(method) \(path)")])
            }
        } catch {
            return Self.json(400, ["error": .string("\(error)")])
        }
    }

    /// One line per order for `/sandbox/orders`.
    struct OrderSummary: Encodable {
        var order_id: String
        var status: String
        var exported: Bool
        var modified_since_export: Bool
        var export_count: Int
        var customer_code: String
        var lines: Int

        init(_ order: SandboxOrder) {
            order_id = order.id
            status = order.status.rawValue
            exported = order.exported
            modified_since_export = order.modifiedSinceExport
            export_count = order.exportCount
            customer_code = order.order.fields["customer_code"] ?? ""
            lines = order.order.lineItems.count
        }
    }

    static func json(_ status: Int, _ object: [String: JSONValue], headers: [String: String] = [:]) -> Response {
        json(status, .object(object), headers: headers)
    }

    static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> Response {
        let encoder = JSONEncoder.canonical()
        return respond(status, (try? encoder.encode(value)) ?? Data("{}".utf8), headers: headers)
    }

    static func encodable<T: Encodable>(_ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return respond(200, (try? encoder.encode(value)) ?? Data("[]".utf8), headers: [:])
    }

    private static func respond(_ status: Int, _ data: Data, headers: [String: String]) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { if let field = HTTPField.Name(name) { fields[field] = value } }
        return Response(status: .init(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}
