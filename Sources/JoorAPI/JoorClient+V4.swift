import Foundation
import JoorModels
import NIOHTTP1

/// What the v4 product path did, per style identifier.
public struct V4PushResult: Sendable, Equatable {
    public var created: [String] = []
    public var updated: [String] = []
    /// Styles JOOR refused, with its reason.
    public var failed: [String: String] = [:]
    /// Styles JOOR's answers neither confirmed nor refused by name (an error with empty
    /// `details`, a create answer that does not list the product), with why. They must not be
    /// taken as accepted: they are sent again.
    public var unconfirmed: [String: String] = [:]
}

extension JoorClient {
    /// A valid v4 access token: the cached one, or a new one from the password grant.
    func v4Token() async throws(JoorAPIError) -> Secret {
        if let token = await v4Tokens.current() { return token }
        guard let credentials = options.v4 else {
            throw JoorAPIError(
                .unauthorized, request: "POST /auth",
                message: "no v4 credentials are configured (joor.v4: client_id, client_secret, username, password, account)")
        }
        let boundary = "joorbridge-\(UUID().uuidString)"
        var body = ""
        for (name, value) in [
            ("client_id", credentials.clientID), ("client_secret", credentials.clientSecret.value), ("grant_type", "password"),
            ("username", credentials.username), ("password", credentials.password.value),
        ] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)--\r\n"
        let reply = try await send(
            .POST, url: options.endpoint.auth, body: Data(body.utf8), contentType: "multipart/form-data; boundary=\(boundary)",
            authorization: "", idempotent: true, carriesData: false)
        guard let json = try? JSONValue.parse(reply.body), let access = json["access_token"]?.text, !access.isEmpty else {
            throw JoorAPIError(.malformedResponse, request: "POST /auth", message: "the answer has no access_token")
        }
        let token = Secret(access)
        await v4Tokens.store(token, expiresIn: Double(json["expires_in"]?.int ?? 3600))
        return token
    }

    /// One v4 call: bearer token (renewed once if JOOR refuses it), `account=`, and the
    /// `{"data": […], "errors": […]}` answer.
    /// - Parameter carriesData: see ``send(_:url:query:body:contentType:authorization:idempotent:carriesData:)``.
    func v4(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [JSONValue]? = nil, idempotent: Bool,
        carriesData: Bool? = nil
    ) async throws(JoorAPIError) -> (data: [JSONValue], errors: [JSONValue]) {
        let label = "\(method.rawValue) /v4\(path)"
        let reply = try await v4Reply(method, path, query: query, body: body, idempotent: idempotent, carriesData: carriesData)
        guard let json = try? JSONValue.parse(reply) else { throw JoorAPIError(.malformedResponse, request: label, message: "not JSON") }
        return (json["data"]?.elements ?? [], json["errors"]?.elements ?? [])
    }

    /// One page of one product as JOOR answered it (logged in first), for `check --connect` to
    /// check the v4 login and the answer's shape.
    public func productsReply() async throws(JoorAPIError) -> Data {
        try await v4Reply(.GET, "/products", query: [("page", "1"), ("page_size", "1")], idempotent: true)
    }

    /// One v4 call's answer as it came: logged in first (the password grant), `account=` added.
    func v4Reply(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [JSONValue]? = nil, idempotent: Bool,
        carriesData: Bool? = nil
    ) async throws(JoorAPIError) -> Data {
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
                return try await send(
                    method, url: options.endpoint.v4 + path, query: [("account", account)] + query, body: payload,
                    authorization: "Bearer \(token.value)", idempotent: idempotent, carriesData: carriesData
                ).body
            } catch {
                guard error.kind == .unauthorized, !renewed else { throw error }
                renewed = true
                await v4Tokens.invalidate()
            }
        }
    }

    /// Creates or updates styles through v4: products, then SKUs (the full color × size set),
    /// then a price per SKU and price type. Styles JOOR refuses are reported, the rest go on.
    ///
    /// What JOOR already has is updated the documented way: a product `bulk_create` refuses as
    /// `DUPLICATED` (or with a "duplicate" message), so its id is looked up in `GET /v4/products`
    /// and it goes through `products/bulk_update`; existing prices are found with
    /// `GET /v4/prices?sku_ids=` and changed through `prices/bulk_update` with their ids. Creates
    /// are never retried blindly (a lost answer may have created them).
    public func pushStylesV4(_ styles: [Style]) async throws(JoorAPIError) -> V4PushResult {
        var result = V4PushResult()
        let listed = Dictionary(
            (try await v4(.GET, "/price_types", idempotent: true).data).compactMap { entry -> (String, V4Payloads.PriceType)? in
                guard let name = entry["name"]?.text, let type = V4Payloads.PriceType(listed: entry) else { return nil }
                return (name, type)
            }, uniquingKeysWith: { first, _ in first })
        let priceTypes = listed.mapValues(\.id)
        // Prices JOOR cannot take as they are refuse their style before anything of it is made.
        for style in styles {
            if let problem = V4Payloads.priceProblem(style, priceTypes: listed) { result.failed[style.styleIdentifier] = problem }
        }
        let styles = styles.filter { result.failed[$0.styleIdentifier] == nil }

        // Products: create; those JOOR already has are looked up and updated.
        let created = try await v4(.POST, "/products/bulk_create", body: styles.map { V4Payloads.product($0) }, idempotent: false)
        var productIDs: [String: String] = [:]
        for entry in created.data { if let external = entry["external_id"]?.text, let id = entry["id"]?.text { productIDs[external] = id } }
        var existing: [String] = []
        // Errors that do not say which product they are about (JOOR documents `details` as `{}`).
        var unnamed: [String] = []
        for error in created.errors {
            guard let external = error["details"]?["external_id"]?.text else {
                unnamed.append(error["message"]?.text ?? "refused")
                continue
            }
            if Self.isDuplicate(error) { existing.append(external) } else { result.failed[external] = error["message"]?.text ?? "refused" }
        }
        // A DUPLICATED refusal with `details: {}` (the documented error shape) names no product:
        // JOOR's list tells which of those it did not create it has.
        var unaccounted: [String] = []
        if created.errors.contains(where: { $0["details"]?["external_id"]?.text == nil && Self.isDuplicate($0) }) {
            unaccounted = styles.map(\.styleIdentifier).filter { productIDs[$0] == nil && result.failed[$0] == nil && !existing.contains($0) }
        }
        if !existing.isEmpty || !unaccounted.isEmpty {
            let found = try await lookUpProducts(externalIDs: existing + unaccounted)
            productIDs.merge(found.mapValues(\.id)) { first, _ in first }
            for external in existing where found[external] == nil {
                result.failed[external] = "JOOR says the product exists, but GET /v4/products does not list external_id \(external)"
            }
            existing += unaccounted.filter { found[$0] != nil }
            let updates = styles.filter { existing.contains($0.styleIdentifier) }.compactMap { style in
                found[style.styleIdentifier].map { V4Payloads.product(style, id: $0.id, existing: $0.product) }
            }
            if !updates.isEmpty {
                let updated = try await v4(.POST, "/products/bulk_update", body: updates, idempotent: true)
                for error in updated.errors {
                    if let external = error["details"]?["external_id"]?.text {
                        result.failed[external] = error["message"]?.text ?? "refused"
                    } else {
                        for style in existing where found[style] != nil {
                            result.unconfirmed[style] =
                                "JOOR refused a product update without naming the product: \(error["message"]?.text ?? "refused")"
                        }
                    }
                }
            }
        }

        // SKUs: what exists is updated, the rest created, so that together they form the full set.
        var live = styles.filter { productIDs[$0.styleIdentifier] != nil && result.failed[$0.styleIdentifier] == nil }
        // STYLE-COLOR-SIZE can name a SKU of two styles (A with color B-C, A-B with color C):
        // sent, one would overwrite the other in JOOR.
        var owners: [String: Set<String>] = [:]
        for style in live { for external in V4Payloads.skuExternalIDs(style) { owners[external, default: []].insert(style.styleIdentifier) } }
        for (external, sharing) in owners.sorted(by: { $0.key < $1.key }) where sharing.count > 1 {
            for style in sharing {
                result.failed[style] =
                    "its SKU external id \(external) would also name a SKU of \(sharing.subtracting([style]).sorted().joined(separator: ", ")); rename a color or size code"
            }
        }
        live = live.filter { result.failed[$0.styleIdentifier] == nil }
        var skuIDs: [String: String] = [:]
        var existingSKUs: [String: JSONValue] = [:]
        let existingProducts = existing.compactMap { productIDs[$0] }
        for chunk in existingProducts.chunked(50) {
            for entry in try await v4List("/skus", query: [("product_ids", chunk.joined(separator: ","))]) {
                if let external = entry["external_id"]?.text, let id = entry["id"]?.text {
                    skuIDs[external] = id
                    existingSKUs[external] = entry
                }
            }
        }
        var creates: [JSONValue] = []
        var updates: [JSONValue] = []
        var creating: [String] = []
        var updating: [String] = []
        for style in live {
            let (create, update) = V4Payloads.skus(style, productID: productIDs[style.styleIdentifier]!, existing: existingSKUs)
            creates += create
            updates += update
            if !create.isEmpty { creating.append(style.styleIdentifier) }
            if !update.isEmpty { updating.append(style.styleIdentifier) }
        }
        var skuFailures: [String: String] = [:]
        for (path, batch, stylesInIt, idempotent) in [
            ("/skus/bulk_create", creates, creating, false), ("/skus/bulk_update", updates, updating, true),
        ]
        where !batch.isEmpty {
            let answer = try await v4(.POST, path, body: batch, idempotent: idempotent)
            for entry in answer.data { if let external = entry["external_id"]?.text, let id = entry["id"]?.text { skuIDs[external] = id } }
            for error in answer.errors {
                let product = error["details"]?["product_id"]?.text
                if let style = live.first(where: { productIDs[$0.styleIdentifier] == product }) {
                    skuFailures[style.styleIdentifier] = error["message"]?.text ?? "refused"
                } else {
                    for style in stylesInIt {
                        result.unconfirmed[style] =
                            "JOOR refused SKU(s) in \(path) without naming their product: \(error["message"]?.text ?? "refused")"
                    }
                }
            }
        }
        result.failed.merge(skuFailures) { first, _ in first }
        // A SKU the create answer neither listed nor refused has no id, so no price: the style is
        // not done (the next try finds the product and its SKUs and goes on).
        for style in live where result.failed[style.styleIdentifier] == nil && result.unconfirmed[style.styleIdentifier] == nil {
            let missing = V4Payloads.skuExternalIDs(style).filter { skuIDs[$0] == nil }
            if !missing.isEmpty {
                result.unconfirmed[style.styleIdentifier] =
                    "JOOR's skus/bulk_create answer neither listed nor refused SKU(s) \(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? " …" : "")"
            }
        }

        // Prices, per SKU and price type: existing ones updated by id, the rest created.
        var wanted: [JSONValue] = []
        for style in live where result.failed[style.styleIdentifier] == nil {
            wanted += V4Payloads.prices(style, skuIDs: skuIDs, priceTypes: priceTypes)
        }
        // Which style each SKU id is of, from the external ids sent (never guessed from a prefix:
        // FS-1001 and FS-1001-110 can both be styles).
        var styleOfSKU: [String: String] = [:]
        for style in live {
            for external in V4Payloads.skuExternalIDs(style) { if let id = skuIDs[external] { styleOfSKU[id] = style.styleIdentifier } }
        }
        let priced = live.filter { result.failed[$0.styleIdentifier] == nil }.map(\.styleIdentifier)
        for (sku, reason) in try await pushPrices(wanted, existingSKUs: existingProducts.isEmpty ? [] : Array(skuIDs.values)) {
            if let identifier = sku.flatMap({ styleOfSKU[$0] }) {
                result.failed[identifier] = reason
            } else {
                for identifier in priced { result.unconfirmed[identifier] = "JOOR refused a price without naming its SKU: \(reason)" }
            }
        }
        for style in styles.map(\.styleIdentifier) where result.failed[style] == nil && result.unconfirmed[style] == nil {
            if productIDs[style] == nil {
                result.unconfirmed[style] =
                    unnamed.isEmpty
                    ? "JOOR's products/bulk_create answer neither listed nor refused it"
                    : "JOOR refused product(s) without naming them: \(unnamed.joined(separator: "; "))"
            } else if existing.contains(style) {
                result.updated.append(style)
            } else {
                result.created.append(style)
            }
        }
        result.unconfirmed = result.unconfirmed.filter { result.failed[$0.key] == nil }
        return result
    }

    /// Whether a v4 error says the thing already exists (`status: DUPLICATED`, or a message with "duplicate").
    static func isDuplicate(_ error: JSONValue) -> Bool {
        error["status"]?.text?.uppercased() == "DUPLICATED" || (error["message"]?.text ?? "").lowercased().contains("duplicate")
    }

    /// Every entry of a v4 list, page by page (`page` and `page_size`, as third-party clients send
    /// them; nobody documents JOOR's paging of lists): an empty page ends it, and so does a page
    /// that lists no id an earlier page did not (JOOR ignored `page`, or sent everything at once),
    /// or `enough`, told each page's new entries, saying so. A short page does not end it: JOOR
    /// may cap `page_size` lower than asked.
    func v4List(
        _ path: String, query: [(String, String)], enough: ([JSONValue]) -> Bool = { _ in false }
    ) async throws(JoorAPIError) -> [JSONValue] {
        var entries: [JSONValue] = []
        var seen: Set<String> = []
        for page in 1...10_000 {
            let data = try await v4(
                .GET, path, query: query + [("page", String(page)), ("page_size", "100")], idempotent: true, carriesData: true
            ).data
            var fresh: [JSONValue] = []
            for entry in data {
                guard let id = entry["id"]?.text, seen.insert(id).inserted else { continue }
                fresh.append(entry)
            }
            entries += fresh
            if fresh.isEmpty || enough(fresh) { break }
        }
        return entries
    }

    /// JOOR's products for these external ids (the id, and the product as listed), from `GET /v4/products` (``v4List(_:query:enough:)``;
    /// the `external_ids` filter is sent but not relied on: nobody documents it).
    func lookUpProducts(externalIDs: [String]) async throws(JoorAPIError) -> [String: (id: String, product: JSONValue)] {
        let wanted = Set(externalIDs)
        var found: [String: (id: String, product: JSONValue)] = [:]
        _ = try await v4List("/products", query: [("external_ids", externalIDs.joined(separator: ","))]) { fresh in
            for entry in fresh {
                if let id = entry["id"]?.text, let external = entry["external_id"]?.text, wanted.contains(external) { found[external] = (id, entry) }
            }
            return found.count >= wanted.count
        }
        return found
    }

    /// Creates or updates prices: those JOOR has for a (SKU, price type) are updated by id
    /// (`GET /v4/prices?sku_ids=`, `prices/bulk_update`), the rest created; a create JOOR refuses
    /// as `DUPLICATED` is looked up and updated. Returns the refused ones by SKU id, with the reason.
    func pushPrices(_ entries: [JSONValue], existingSKUs: [String]) async throws(JoorAPIError) -> [(sku: String?, reason: String)] {
        func key(_ entry: JSONValue) -> String {
            "\(entry["sku_id"]?.text ?? "")|\(entry["price_type_id"]?.text ?? entry["price_type"]?["id"]?.text ?? "")"
        }
        func lookUp(_ skus: [String]) async throws(JoorAPIError) -> [String: String] {
            var ids: [String: String] = [:]
            for chunk in Array(Set(skus)).sorted().chunked(50) {
                for price in try await v4List("/prices", query: [("sku_ids", chunk.joined(separator: ","))]) {
                    if let id = price["id"]?.text { ids[key(price)] = id }
                }
            }
            return ids
        }
        func update(_ entry: JSONValue, id: String) -> JSONValue {
            var object: [String: JSONValue] = ["id": .string(id)]
            if let wholesale = entry["wholesale_value"] { object["wholesale_value"] = wholesale }
            if let retail = entry["retail_value"] { object["retail_value"] = retail }
            return .object(object)
        }
        var refused: [(sku: String?, reason: String)] = []
        var known = existingSKUs.isEmpty ? [:] : try await lookUp(existingSKUs)
        var updates = entries.compactMap { entry in known[key(entry)].map { update(entry, id: $0) } }
        let creates = entries.filter { known[key($0)] == nil }
        if !creates.isEmpty {
            let answer = try await v4(.POST, "/prices/bulk_create", body: creates, idempotent: false)
            // By key: an error naming only the SKU (no price type, as JOOR is known to answer)
            // stands for all of that SKU's prices.
            var duplicated: [String: JSONValue] = [:]
            for error in answer.errors {
                let sku = error["details"]?["sku_id"]?.text
                let type = error["details"]?["price_type_id"]?.text
                let entries = creates.filter { $0["sku_id"]?.text == sku && (type == nil || $0["price_type_id"]?.text == type) }
                if Self.isDuplicate(error), !entries.isEmpty {
                    for entry in entries { duplicated[key(entry)] = entry }
                } else {
                    refused.append((sku, error["message"]?.text ?? "price refused"))
                }
            }
            if !duplicated.isEmpty {
                known = try await lookUp(duplicated.values.compactMap { $0["sku_id"]?.text })
                for (_, entry) in duplicated.sorted(by: { $0.key < $1.key }) {
                    if let id = known[key(entry)] {
                        updates.append(update(entry, id: id))
                    } else {
                        refused.append((entry["sku_id"]?.text, "JOOR says the price exists, but GET /v4/prices does not list it"))
                    }
                }
            }
        }
        if !updates.isEmpty {
            let answer = try await v4(.POST, "/prices/bulk_update", body: updates, idempotent: true)
            for error in answer.errors { refused.append((error["details"]?["sku_id"]?.text, error["message"]?.text ?? "price refused")) }
        }
        return refused
    }
}
