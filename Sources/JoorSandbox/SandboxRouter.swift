import Foundation
import Hummingbird
import JoorModels

/// The sandbox's routes: JOOR's v2 and v4 APIs behind their middleware (request log, faults,
/// credentials, credits), v4's `POST /auth`, and the read-back and control endpoints under
/// `/sandbox/` (no credentials, no credits, never logged).
enum SandboxRouter {
    static func build(state: SandboxState, configuration: SandboxConfiguration) -> some HTTPResponder<SandboxContext> {
        let router = Router(context: SandboxContext.self)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: BodyMiddleware())

        router.post("/auth") { request, context in
            await state.count("POST /auth")
            let answer = try await state.issueToken(context.body, contentType: request.headers[.contentType])
            return SandboxResponse.json(answer.status, answer.body)
        }

        let v2 = router.group("/v2")
            .add(middleware: RequestLogMiddleware(state: state))
            .add(middleware: FaultMiddleware(state: state))
            .add(middleware: APITokenMiddleware(token: configuration.token))
            .add(middleware: ContentTypeMiddleware())
            .add(middleware: CreditMiddleware(state: state))
            .add(middleware: AnswerLossMiddleware())
        for path in ["/v2/orders", "/v2/order"] {
            v2.get(RouterPath(stringLiteral: String(path.dropFirst(3)))) { request, _ in
                guard configuration.answers.ordersPaths.contains(path) else {
                    return SandboxResponse.json(404, ["error": .string("the sandbox does not serve GET \(path) in this mode")])
                }
                await state.count("GET /v2/orders")
                return try await answer(state.listOrders(SandboxContext.query(of: request)), xml: Self.answersXML(request, configuration))
            }
            v2.get(RouterPath(stringLiteral: String(path.dropFirst(3)) + "/:id")) { request, context in
                await state.count("GET /v2/orders")
                var query = SandboxContext.query(of: request)
                query["order_id"] = context.parameters.get("id") ?? ""
                // `sync` defaults to 1 here as in JOOR's table: reading one order without sync=0 marks it exported.
                query["sync"] = query["sync"] ?? "1"
                query["order_type"] = query["order_type"] ?? "8"
                return try await answer(state.listOrders(query), xml: Self.answersXML(request, configuration))
            }
        }
        for method in [HTTPRequest.Method.post, .put] {
            v2.on("bulk-inventory", method: method) { request, context in
                await state.count("POST /v2/bulk-inventory")
                return try await answer(state.bulkInventory(context.body, query: SandboxContext.query(of: request)))
            }
        }
        v2.post("bulk-style") { _, context in
            await state.count("POST /v2/bulk-style")
            return try await answer(state.submitStyles(context.body))
        }
        v2.get("bulk-style/:id") { _, context in
            await state.count("GET /v2/bulk-style")
            return try await answer(state.styleJob(context.parameters.get("id") ?? ""))
        }
        // Any other /v2 path is logged, may take a fault, and is checked and charged like JOOR's
        // own before its 404.
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            v2.on("**", method: method) { request, _ in
                SandboxResponse.json(404, ["error": .string("the sandbox does not serve \(request.method) \(request.uri.path)")])
            }
        }

        let v4 = router.group("/v4")
            .add(middleware: RequestLogMiddleware(state: state))
            .add(middleware: FaultMiddleware(state: state))
            .add(middleware: V4TokenMiddleware(state: state))
            .add(middleware: CreditMiddleware(state: state))
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            v4.on("**", method: method) { request, context in
                let method = request.method.rawValue
                let path = request.uri.path
                guard let answer = try await state.v4(method, path, SandboxContext.query(of: request), context.body) else {
                    return SandboxResponse.json(404, ["error": .string("the sandbox does not serve \(method) \(path)")])
                }
                await state.count("\(method) \(path)")
                return SandboxResponse.json(answer.status, answer.body)
            }
        }

        SandboxControl(state: state).register(on: router.group("/sandbox"))
        return TrailingSlashResponder(inner: router.buildResponder())
    }

    private static func answer(_ answer: SandboxState.Answer, xml: Bool = false) -> Response {
        xml
            ? SandboxResponse.xml(answer.status, answer.body, headers: answer.headers)
            : SandboxResponse.json(answer.status, answer.body, headers: answer.headers)
    }

    /// Whether an orders answer goes out in XML: asked for (`Accept`), or the sandbox's answers say so.
    private static func answersXML(_ request: Request, _ configuration: SandboxConfiguration) -> Bool {
        configuration.answers.ordersAsXML || SandboxXML.isWanted(accept: request.headers[.accept])
    }
}
