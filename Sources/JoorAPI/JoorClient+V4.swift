import Foundation
import JoorModels
import NIOHTTP1

/// What the v4 product path did, per style identifier.
public struct V4PushResult: Sendable, Equatable {
    public var created: [String] = []
    public var updated: [String] = []
    /// Styles JOOR refused, with its reason.
    public var failed: [String: String] = [:]
}

extension JoorClient {
    /// A valid v4 access token: the cached one, or a new one from the password grant.
    func v4Token() async throws(JoorAPIError) -> Secret {
        if let token = await v4Tokens.current() { return token }
        guard let credentials = options.v4 else {
            throw JoorAPIError(.unauthorized, request: "POST /auth", message: "no v4 credentials are configured (joor.v4: client_id, client_secret, username, password, account)")
        }
        let boundary = "joorbridge-\(UUID().uuidString)"
        var body = ""
        for (name, value) in [("client_id", credentials.clientID), ("client_secret", credentials.clientSecret.value), ("grant_type", "password"),
                              ("username", credentials.username), ("password", credentials.password.value)] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)--\r\n"
        let reply = try await send(.POST, url: options.endpoint.auth, body: Data(body.utf8), contentType: "multipart/form-data; boundary=\(boundary)",
                                   authorization: "", idempotent: true)
        guard let json = try? JSONValue.parse(reply.body), let access = json["access_token"]?.text, !access.isEmpty else {
            throw JoorAPIError(.malformedResponse, request: "POST /auth", message: "the answer has no access_token")
        }
        let token = Secret(access)
        await v4Tokens.store(token, expiresIn: Double(json["expires_in"]?.int ?? 3600))
        return token
    }

    /// One v4 call: bearer token (renewed once if JOOR refuses it), `account=`, and the
    /// `{"data": […], "errors": […]}` answer.
    func v4(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [JSONValue]? = nil, idempotent: Bool) async throws(JoorAPIError) -> (data: [JSONValue], errors: [JSONValue]) {
        let label = "\(method.rawValue) /v4\(path)"
        var payload: Data?
        if let body {
            do { payload = try JSONEncoder().encode(JSONValue.array(body)) } catch { throw decodeFailure(label, error) }
        }
        let account = options.v4?.account ?? ""
        var renewed = false
        while true {
            let token = try await v4Token()
            do throws(JoorAPIError) {
                let reply = try await send(method, url: options.endpoint.v4 + path, query: [("account", account)] + query, body: payload,
                                           authorization: "Bearer \(token.value)", idempotent: idempotent)
                guard let json = try? JSONValue.parse(reply.body) else { throw JoorAPIError(.malformedResponse, request: label, message: "not JSON") }
                return (json["data"]?.elements ?? [], json["errors"]?.elements ?? [])
            } catch {
                guard error.kind == .unauthorized, !renewed else { throw error }
                renewed = true
                await v4Tokens.invalidate()
            }
        }
    }

    /// Creates or updates styles through v4: products, then SKUs (the full color × size set),
    /// then a price per SKU and price type. Styles JOOR refuses are reported, the rest go on.
    public func pushStylesV4(_ styles: [Style]) async throws(JoorAPIError) -> V4PushResult {
        var result = V4PushResult()
        let priceTypes = Dictionary((try await v4(.GET, "/price_types", idempotent: true).data).compactMap { entry -> (String, String)? in
            guard let name = entry["name"]?.text, let id = entry["id"]?.text else { return nil }
            return (name, id)
        }, uniquingKeysWith: { first, _ in first })

        // Products: create; those JOOR already has are looked up and updated.
        let created = try await v4(.POST, "/products/bulk_create", body: styles.map { V4Payloads.product($0) }, idempotent: false)
        var productIDs: [String: String] = [:]
        for entry in created.data { if let external = entry["external_id"]?.text, let id = entry["id"]?.text { productIDs[external] = id } }
        var existing: [String] = []
        for error in created.errors {
            guard let external = error["details"]?["external_id"]?.text else { continue }
            if (error["message"]?.text ?? "").lowercased().contains("duplicate") { existing.append(external) } else { result.failed[external] = error["message"]?.text ?? "refused" }
        }
        if !existing.isEmpty {
            let found = try await v4(.GET, "/products", query: [("external_ids", existing.joined(separator: ","))], idempotent: true)
            for entry in found.data { if let external = entry["external_id"]?.text, let id = entry["id"]?.text { productIDs[external] = id } }
            let updates = styles.filter { existing.contains($0.styleIdentifier) }.compactMap { style in productIDs[style.styleIdentifier].map { V4Payloads.product(style, id: $0) } }
            let updated = try await v4(.POST, "/products/bulk_update", body: updates, idempotent: true)
            for error in updated.errors { if let external = error["details"]?["external_id"]?.text { result.failed[external] = error["message"]?.text ?? "refused" } }
        }

        // SKUs: what exists is updated, the rest created, so that together they form the full set.
        let live = styles.filter { productIDs[$0.styleIdentifier] != nil && result.failed[$0.styleIdentifier] == nil }
        var skuIDs: [String: String] = [:]
        if !existing.isEmpty {
            let ids = existing.compactMap { productIDs[$0] }.joined(separator: ",")
            for entry in try await v4(.GET, "/skus", query: [("product_ids", ids)], idempotent: true).data {
                if let external = entry["external_id"]?.text, let id = entry["id"]?.text { skuIDs[external] = id }
            }
        }
        var creates: [JSONValue] = [], updates: [JSONValue] = []
        for style in live {
            let (create, update) = V4Payloads.skus(style, productID: productIDs[style.styleIdentifier]!, existing: skuIDs)
            creates += create
            updates += update
        }
        var skuFailures: [String: String] = [:]
        for (path, batch, idempotent) in [("/skus/bulk_create", creates, false), ("/skus/bulk_update", updates, true)] where !batch.isEmpty {
            let answer = try await v4(.POST, path, body: batch, idempotent: idempotent)
            for entry in answer.data { if let external = entry["external_id"]?.text, let id = entry["id"]?.text { skuIDs[external] = id } }
            for error in answer.errors {
                let product = error["details"]?["product_id"]?.text
                if let style = live.first(where: { productIDs[$0.styleIdentifier] == product }) { skuFailures[style.styleIdentifier] = error["message"]?.text ?? "refused" }
            }
        }
        result.failed.merge(skuFailures) { first, _ in first }

        // Prices, per SKU and price type.
        var prices: [JSONValue] = []
        for style in live where result.failed[style.styleIdentifier] == nil {
            let (entries, unknown) = V4Payloads.prices(style, skuIDs: skuIDs, priceTypes: priceTypes)
            if !unknown.isEmpty {
                result.failed[style.styleIdentifier] = "JOOR has no price type \(unknown.joined(separator: ", ")); create it in JOOR or fix the price label"
                continue
            }
            prices += entries
        }
        if !prices.isEmpty {
            let answer = try await v4(.POST, "/prices/bulk_create", body: prices, idempotent: true)
            for error in answer.errors {
                let sku = error["details"]?["sku_id"]?.text
                if let external = skuIDs.first(where: { $0.value == sku })?.key,
                   let style = live.first(where: { external.hasPrefix($0.styleIdentifier + "-") }) {
                    result.failed[style.styleIdentifier] = error["message"]?.text ?? "price refused"
                }
            }
        }
        for style in live where result.failed[style.styleIdentifier] == nil {
            if existing.contains(style.styleIdentifier) { result.updated.append(style.styleIdentifier) } else { result.created.append(style.styleIdentifier) }
        }
        return result
    }
}
