import Foundation
import JoorModels

/// The v4 side of the sandbox account: tokens, products, SKUs, price types and prices.
struct V4Store: Sendable, Codable {
    struct Product: Sendable, Codable {
        var id, externalID, name, identifier: String
        var description: String?
        /// The other fields the last create or update gave (`order_minimum`, `category_ids`,
        /// `product_trait_values`, `tags`): an update replaces them all, as it replaces the
        /// description (the harsh reading of an undocumented point). Optional: state saved before
        /// has none.
        var fields: [String: JSONValue]?
        static let fieldNames = ["order_minimum", "category_ids", "product_trait_values", "tags"]
    }
    struct SKU: Sendable, Codable {
        var id, productID, externalID: String
        /// The color's code and name, and the size.
        var color, colorName, size: String
        var upc: String?
        /// The SKU's other identifiers (EAN, MPN…), and each trait's `status` and `order_minimum`
        /// by trait id, as the last create or update gave them (an update replaces them all).
        /// Optional: state saved before has none.
        var otherIdentifiers: [JSONValue]?
        var traitFields: [String: [String: JSONValue]]?
    }
    struct Price: Sendable, Codable {
        var id: String?
        var skuID: String
        var priceTypeID: String
        var wholesale: String
        var retail: String?
    }

    var tokens: [String: Date] = [:]
    var products: [String: Product] = [:]
    var skus: [String: SKU] = [:]
    var prices: [Price] = []
    var nextID = 3_295_500
    static let priceTypes: [(id: String, name: String, currency: String)] = [
        ("1234", "USD-1", "USD"), ("1240", "EUR-1", "EUR"), ("1250", "GBP-1", "GBP"),
    ]
}

extension SandboxState {
    /// `POST /auth/`: the OAuth password grant (multipart or urlencoded form).
    func issueToken(_ body: Data, contentType: String?) throws -> Answer {
        let form = Self.formFields(body, contentType: contentType)
        let c = configuration
        guard form["grant_type"] == "password", form["client_id"] == c.v4ClientID, form["client_secret"] == c.v4ClientSecret,
            form["username"] == c.v4Username, form["password"] == c.v4Password
        else {
            return Answer(status: 401, body: .object(["error": .string("invalid_grant"), "error_description": .string("Invalid user credentials")]))
        }
        let token = "sbx." + UUID().uuidString.lowercased()
        v4.tokens[token] = Date().addingTimeInterval(c.v4TokenLifetimeSeconds)
        try save()
        return Answer(
            status: 200,
            body: .object([
                "access_token": .string(token), "expires_in": .number(Decimal(c.v4TokenLifetimeSeconds)), "refresh_expires_in": .number(7_776_000),
                "refresh_token": .string("sbx.refresh." + UUID().uuidString.lowercased()), "token_type": .string("Bearer"),
                "scope": .string("email profile"),
            ]))
    }

    func v4TokenIsValid(_ token: String) -> Bool {
        guard let expiry = v4.tokens[token] else { return false }
        return expiry > Date()
    }

    /// Serves one v4 call; `nil` when the path is not a v4 product endpoint.
    func v4(_ method: String, _ path: String, _ query: [String: String], _ body: Data) throws -> Answer? {
        guard query["account"] == configuration.v4Account else {
            return Answer(
                status: 400,
                body: .object(["data": .array([]), "errors": .array([Self.v4Error("400", "the account parameter is missing or wrong")])]))
        }
        let entries = (try? JSONValue.parse(body))?.elements ?? []
        var data: [JSONValue] = []
        var errors: [JSONValue] = []
        switch (method, path) {
        case ("GET", "/v4/price_types"):
            // As a price's answer shows its type (5.2): both currencies (the sandbox's are the same).
            data = V4Store.priceTypes.map {
                .object([
                    "id": .string($0.id), "name": .string($0.name), "currency_code": .string($0.currency),
                    "retail_currency_code": .string($0.currency),
                ])
            }
        case ("GET", "/v4/products"):
            // `page`/`page_size` as third-party clients send them; the `external_ids` filter nobody
            // documents is honoured only by the legacy sandbox.
            let wanted = configuration.answers.duplicateStatus ? [] : Set((query["external_ids"] ?? "").split(separator: ",").map(String.init))
            let all = v4.products.values.filter { wanted.isEmpty || wanted.contains($0.externalID) }.sorted { $0.id < $1.id }
            data = page(all.map(Self.json), query)
        case ("POST", "/v4/products/bulk_create"), ("POST", "/v4/products/bulk_update"):
            let update = path.hasSuffix("update")
            for entry in entries {
                let external = entry["external_id"]?.text ?? ""
                guard let name = entry["name"]?.text, !name.isEmpty else {
                    errors.append(Self.v4Error("400", "name is required", ["external_id": external]))
                    continue
                }
                // v2's style_name limit (joor-api.md 5.1); v4's is not documented.
                guard name.count <= 100 else {
                    errors.append(Self.v4Error("400", "name is longer than 100 characters", ["external_id": external]))
                    continue
                }
                if update {
                    guard let id = entry["id"]?.text, var product = v4.products[id] else {
                        errors.append(Self.v4Error("404", "no product with this id", ["external_id": external]))
                        continue
                    }
                    product.name = name
                    product.description = entry["description"]?.text
                    product.fields = Self.productFields(entry)
                    v4.products[id] = product
                    data.append(Self.json(product))
                } else {
                    if v4.products.values.contains(where: { $0.externalID == external && !external.isEmpty }) {
                        errors.append(
                            configuration.answers.duplicateStatus
                                ? Self.v4Error("DUPLICATED", "Product already exists", ["external_id": external])
                                : Self.v4Error("409", "duplicated product: external_id \(external) exists", ["external_id": external]))
                        continue
                    }
                    v4.nextID += 1
                    let product = V4Store.Product(
                        id: String(v4.nextID), externalID: external, name: name, identifier: entry["product_identifier"]?.text ?? external,
                        description: entry["description"]?.text, fields: Self.productFields(entry))
                    v4.products[product.id] = product
                    data.append(Self.json(product))
                }
            }
        case ("GET", "/v4/skus"):
            let wanted = Set((query["product_ids"] ?? "").split(separator: ",").map(String.init))
            data = page(v4.skus.values.filter { wanted.contains($0.productID) }.sorted { $0.id < $1.id }.map(Self.json), query)
        case ("POST", "/v4/skus/bulk_create"), ("POST", "/v4/skus/bulk_update"):
            let update = path.hasSuffix("update")
            var byProduct: [String: [JSONValue]] = [:]
            for entry in entries { byProduct[entry["product_id"]?.text ?? "", default: []].append(entry) }
            for (productID, group) in byProduct.sorted(by: { $0.key < $1.key }) {
                guard v4.products[productID] != nil else {
                    errors.append(Self.v4Error("404", "no product \(productID)", ["product_id": productID]))
                    continue
                }
                var candidate = v4.skus.filter { $0.value.productID == productID }
                var problem: String?
                for entry in group {
                    let traits = entry["trait_values"]?.elements ?? []
                    guard let color = traits.first(where: { $0["trait_id"]?.text == V4Payloads.colorTrait }),
                        let size = traits.first(where: { $0["trait_id"]?.text == V4Payloads.sizeTrait })
                    else {
                        problem = "every SKU needs both a color and a size trait"
                        break
                    }
                    let id: String
                    if update {
                        guard let existing = entry["id"]?.text, candidate[existing] != nil else {
                            problem = "no SKU \(entry["id"]?.text ?? "?")"
                            break
                        }
                        id = existing
                    } else {
                        v4.nextID += 1
                        id = "SKU\(v4.nextID)"
                    }
                    let identifiers = entry["identifiers"]?.elements ?? []
                    var traitFields: [String: [String: JSONValue]] = [:]
                    for trait in traits {
                        let fields = ["status", "order_minimum"].compactMap { key in trait[key].map { (key, $0) } }
                        if let id = trait["trait_id"]?.text, !fields.isEmpty { traitFields[id] = Dictionary(uniqueKeysWithValues: fields) }
                    }
                    candidate[id] = V4Store.SKU(
                        id: id, productID: productID, externalID: entry["external_id"]?.text ?? id,
                        color: color["external_id"]?.text ?? color["value"]?.text ?? "", colorName: color["value"]?.text ?? "",
                        size: size["value"]?.text ?? "", upc: identifiers.first { $0["type"]?.text == "UPC" }?["value"]?.text,
                        otherIdentifiers: identifiers.filter { $0["type"]?.text != "UPC" }, traitFields: traitFields)
                }
                if problem == nil {
                    let colors = Set(candidate.values.map(\.color))
                    let sizes = Set(candidate.values.map(\.size))
                    let have = Set(candidate.values.map { "\($0.color)/\($0.size)" })
                    let missing = colors.flatMap { c in sizes.map { "\(c)/\($0)" } }.filter { !have.contains($0) }.sorted()
                    if !missing.isEmpty {
                        problem = "the SKUs of product \(productID) do not form the full color × size set; missing \(missing.joined(separator: ", "))"
                    }
                }
                if let problem {
                    errors.append(Self.v4Error("400", problem, ["product_id": productID]))
                    continue
                }
                for (id, sku) in candidate where group.contains(where: { $0["external_id"]?.text == sku.externalID }) {
                    v4.skus[id] = sku
                    data.append(Self.json(sku))
                }
                registerV4Product(productID)
            }
        case ("POST", "/v4/prices/bulk_create"):
            for entry in entries {
                let skuID = entry["sku_id"]?.text ?? ""
                guard v4.skus[skuID] != nil else {
                    errors.append(Self.v4Error("404", "no SKU \(skuID)", ["sku_id": skuID]))
                    continue
                }
                guard let type = V4Store.priceTypes.first(where: { $0.id == entry["price_type_id"]?.text }) else {
                    errors.append(Self.v4Error("404", "no price type \(entry["price_type_id"]?.text ?? "?")", ["sku_id": skuID]))
                    continue
                }
                guard let wholesale = entry["wholesale_value"]?.text, Decimal(string: wholesale) != nil else {
                    errors.append(Self.v4Error("400", "wholesale_value must be a number", ["sku_id": skuID]))
                    continue
                }
                if configuration.answers.duplicateStatus, v4.prices.contains(where: { $0.skuID == skuID && $0.priceTypeID == type.id }) {
                    // JOOR changes an existing price through prices/bulk_update with its id.
                    errors.append(
                        Self.v4Error("DUPLICATED", "Price already exists for this SKU and price type", ["sku_id": skuID, "price_type_id": type.id]))
                    continue
                }
                v4.prices.removeAll { $0.skuID == skuID && $0.priceTypeID == type.id }
                v4.nextID += 1
                let price = V4Store.Price(
                    id: "PRC\(v4.nextID)", skuID: skuID, priceTypeID: type.id, wholesale: wholesale, retail: entry["retail_value"]?.text)
                v4.prices.append(price)
                data.append(Self.json(price))
            }
        case ("GET", "/v4/prices"):
            let wanted = Set((query["sku_ids"] ?? "").split(separator: ",").map(String.init))
            data = page(v4.prices.filter { wanted.contains($0.skuID) }.map(Self.json), query)
        case ("POST", "/v4/prices/bulk_update"):
            for entry in entries {
                let id = entry["id"]?.text ?? ""
                guard let index = v4.prices.firstIndex(where: { $0.id == id && !id.isEmpty }) else {
                    errors.append(Self.v4Error("404", "no price \(id)", ["id": id]))
                    continue
                }
                if let wholesale = entry["wholesale_value"]?.text { v4.prices[index].wholesale = wholesale }
                if let retail = entry["retail_value"]?.text { v4.prices[index].retail = retail }
                data.append(Self.json(v4.prices[index]))
            }
        default:
            return nil
        }
        try save()
        if !configuration.answers.v4SKUCreateExternalIDs, path == "/v4/skus/bulk_create" {
            data = data.map { entry in
                guard case .object(var members) = entry else { return entry }
                members["external_id"] = nil
                return .object(members)
            }
        }
        if !configuration.answers.v4ErrorDetails {
            errors = errors.map { error in
                guard case .object(var members) = error else { return error }
                members["details"] = .object([:])
                return .object(members)
            }
        }
        return Answer(status: 200, body: .object(["data": .array(data), "errors": .array(errors)]))
    }

    /// A v4 product with its SKUs becomes a style of the account (so its UPCs take inventory).
    /// One page of a v4 list, as `page` and `page_size` ask (``Answers/v4ListPaging``).
    private func page(_ entries: [JSONValue], _ query: [String: String]) -> [JSONValue] {
        let size = max(1, min(Int(query["page_size"] ?? "") ?? 100, 500))
        let page = configuration.answers.v4ListPaging ? max(1, Int(query["page"] ?? "") ?? 1) : 1
        return Array(entries.dropFirst((page - 1) * size).prefix(size))
    }

    private func registerV4Product(_ productID: String) {
        guard let product = v4.products[productID] else { return }
        let skus = v4.skus.values.filter { $0.productID == productID }.sorted { $0.externalID < $1.externalID }
        var colors: [Style.Color] = []
        var sizes: [Style.Size] = []
        for sku in skus {
            if !colors.contains(where: { $0.code == sku.color }) { colors.append(.init(code: sku.color, name: sku.colorName)) }
            if !sizes.contains(.init(sku.size)) { sizes.append(.init(sku.size)) }
        }
        register(
            Style(
                styleName: product.name, styleNumber: product.identifier, styleIdentifier: product.externalID, styleDescription: product.description,
                colors: colors, sizes: sizes,
                upcs: skus.compactMap { sku in sku.upc.map { .init(colorCode: sku.color, sizeName: sku.size, upc: $0) } }))
    }

    static func v4Error(_ status: String, _ message: String, _ details: [String: String] = [:]) -> JSONValue {
        .object(["status": .string(status), "message": .string(message), "details": .object(details.mapValues { .string($0) })])
    }

    /// A product as `GET /v4/products` lists it.
    static func json(_ product: V4Store.Product) -> JSONValue {
        var object = product.fields ?? [:]
        object["id"] = .string(product.id)
        object["external_id"] = .string(product.externalID)
        object["name"] = .string(product.name)
        object["product_identifier"] = .string(product.identifier)
        if let description = product.description { object["description"] = .string(description) }
        // JOOR lists a trait value's trait as an object (as it does a SKU's).
        if let traits = object["product_trait_values"]?.elements {
            object["product_trait_values"] = .array(traits.map { Self.listed(trait: $0) })
        }
        return .object(object)
    }

    /// The fields of a product create or update the sandbox keeps besides name and description.
    static func productFields(_ entry: JSONValue) -> [String: JSONValue] {
        V4Store.Product.fieldNames.reduce(into: [:]) { fields, key in if let value = entry[key], value != .null { fields[key] = value } }
    }

    /// A trait value as JOOR lists it: `trait{id}` in place of `trait_id`.
    static func listed(trait value: JSONValue) -> JSONValue {
        guard case .object(var members) = value, let id = members.removeValue(forKey: "trait_id") else { return value }
        members["trait"] = .object(["id": id])
        return .object(members)
    }

    static func json(_ price: V4Store.Price) -> JSONValue {
        let type = V4Store.priceTypes.first { $0.id == price.priceTypeID }
        var object: [String: JSONValue] = [
            "sku_id": .string(price.skuID), "wholesale_value": .string(price.wholesale),
            "price_type": .object([
                "id": .string(price.priceTypeID), "name": .string(type?.name ?? ""), "currency_code": .string(type?.currency ?? ""),
                "retail_currency_code": .string(type?.currency ?? ""),
            ]),
        ]
        if let id = price.id { object["id"] = .string(id) }
        if let retail = price.retail { object["retail_value"] = .string(retail) }
        return .object(object)
    }

    /// A SKU as `GET /v4/skus` lists it (joor-api.md 5.2): its trait values with `trait{id}`.
    static func json(_ sku: V4Store.SKU) -> JSONValue {
        func trait(_ id: String, _ value: String, _ external: String) -> JSONValue {
            var members: [String: JSONValue] = ["trait": .object(["id": .string(id)]), "value": .string(value), "external_id": .string(external)]
            members.merge(sku.traitFields?[id] ?? [:]) { _, kept in kept }
            return .object(members)
        }
        var object: [String: JSONValue] = [
            "id": .string(sku.id), "product_id": .string(sku.productID), "external_id": .string(sku.externalID),
            "sku_identifier": .string(sku.externalID),
            "trait_values": .array([
                trait(V4Payloads.colorTrait, sku.colorName, sku.color), trait(V4Payloads.sizeTrait, sku.size, sku.size),
            ]),
        ]
        let identifiers = (sku.upc.map { [JSONValue.object(["type": .string("UPC"), "value": .string($0)])] } ?? []) + (sku.otherIdentifiers ?? [])
        if !identifiers.isEmpty { object["identifiers"] = .array(identifiers) }
        return .object(object)
    }

    /// Fields of a multipart/form-data or urlencoded body.
    static func formFields(_ body: Data, contentType: String?) -> [String: String] {
        let text = String(decoding: body, as: UTF8.self)
        var fields: [String: String] = [:]
        if contentType?.contains("multipart/form-data") == true {
            for part in text.components(separatedBy: "Content-Disposition: form-data; name=\"").dropFirst() {
                guard let nameEnd = part.firstIndex(of: "\"") else { continue }
                let name = String(part[..<nameEnd])
                guard let valueStart = part.range(of: "\r\n\r\n") else { continue }
                var value = String(part[valueStart.upperBound...])
                if let end = value.range(of: "\r\n--") { value = String(value[..<end.lowerBound]) }
                fields[name] = value
            }
        } else {
            for pair in text.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                if kv.count == 2 { fields[kv[0]] = kv[1] }
            }
        }
        return fields
    }
}
