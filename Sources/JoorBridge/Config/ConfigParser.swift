import Foundation
import Mapping
import SFTP
import Yams

/// Reads `joorbridge.yml` into a ``BridgeConfig``.
struct ConfigParser {
    let reader: YAMLReader
    let path: String

    static let version = 1

    /// The keys of each section (the JSON Schema, `ConfigSchema`, is built from these too).
    enum Keys {
        static let top = ["version", "joor", "folders", "state", "orders", "inventory", "products", "notify", "watch", "log", "sftp"]
        static let folders = ["inbox", "outbox", "processing", "archive", "error", "outbox_staging"]
        static let joor = [
            "token_env", "token_file", "test_mode", "base_url", "account", "credit_limit", "credit_window_seconds", "request_timeout_seconds",
            "connect_timeout_seconds", "api", "v4",
        ]
        static let v4 = ["client_id", "client_secret_env", "username", "password_env", "account"]
        static let inventory = [
            "enabled", "mapping", "include", "exclude", "settle_seconds", "done_marker", "max_attempts", "batch_size", "overwrite", "dec_pending",
            "full", "safety_stock",
        ]
        static let products = ["enabled", "mapping", "include", "exclude", "settle_seconds", "done_marker", "max_attempts", "batch_size", "full"]
        static let orders = [
            "enabled", "mapping", "customers_mapping", "order_status", "warehouse_code", "skip_empty_customer_code", "go_live", "page_size",
            "deliver_amendments", "deliver_cancellations", "cancellations_mapping", "temp_name", "done_marker", "catch_up_days", "routes",
        ]
        static let route = ["name", "when", "outbox", "mapping", "customers_mapping", "cancellations_mapping"]
        static let notify = ["webhook", "command", "when", "timeout_seconds", "attempts"]
        static let watch = ["interval_seconds", "poll_seconds"]
        static let sftp = [
            "key_file", "passphrase_env", "host_key_sha256", "known_hosts", "connect_timeout_seconds", "timeout_seconds", "after_download",
            "remote_archive", "remote_error",
        ]
        static let log = ["format", "level"]
    }

    func parse(_ text: String) -> BridgeConfig? {
        guard let root = reader.compose(text), let top = reader.object(root, "the config", allowedKeys: Keys.top) else { return nil }
        if let v = top["version"] {
            if let n = reader.int(v, "version"), n != Self.version {
                reader.error(v, "config version \(n) is not supported; this joorbridge reads version \(Self.version)")
            }
        } else {
            reader.error(root, "the config needs 'version: \(Self.version)'")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ value: String) -> String {
            value.hasPrefix("/") ? value : base.appendingPathComponent(value).standardizedFileURL.path
        }
        var folders = BridgeConfig.Folders(
            inbox: resolve("inbox"), outbox: resolve("outbox"), processing: resolve("processing"),
            archive: resolve("archive"), error: resolve("error"))
        if let node = top["folders"], let object = reader.object(node, "folders", allowedKeys: Keys.folders) {
            func folder(
                _ key: String, _ keyPath: WritableKeyPath<BridgeConfig.Folders, String>, remote: WritableKeyPath<BridgeConfig.Folders, String?>? = nil
            ) {
                guard let value = object[key].flatMap({ reader.string($0, "folders.\(key)") }) else { return }
                guard value.lowercased().hasPrefix("sftp:") else {
                    folders[keyPath: keyPath] = resolve(value)
                    return
                }
                guard let remote else {
                    return reader.error(object[key], "folders.\(key) must be a local folder; only inbox and outbox can be sftp:// folders")
                }
                if URLComponents(string: value)?.password != nil {
                    // Said without the URL: the message must not repeat the password.
                    return reader.error(
                        object[key],
                        "folders.\(key) has a password in its sftp:// URL; joorbridge logs in with a key only (sftp.key_file): take the password out of the URL, and change it on the server, since it was written in a file"
                    )
                }
                guard SFTPLocation(url: value, keyFile: "") != nil else {
                    return reader.error(
                        object[key], "folders.\(key) must look like sftp://user@host:port/path (the port is optional), not '\(value)'")
                }
                folders[keyPath: remote] = value
            }
            folder("inbox", \.inbox, remote: \.remoteInbox)
            folder("outbox", \.outbox, remote: \.remoteOutbox)
            folder("outbox_staging", \.outbox)
            if object["outbox_staging"] != nil && folders.remoteOutbox == nil {
                reader.error(
                    object["outbox_staging"], "folders.outbox_staging is only for an sftp:// outbox (where files wait until they are uploaded)")
            }
            folder("processing", \.processing)
            folder("archive", \.archive)
            folder("error", \.error)
        }
        let state = top["state"].flatMap { reader.string($0, "state") }.map(resolve) ?? resolve("state/joorbridge.sqlite")
        var config = BridgeConfig(path: path, folders: folders, statePath: state)
        if let node = top["joor"] { config.joor = joor(node) }
        if let node = top["orders"] { config.orders = orders(node, resolve: resolve) }
        if let node = top["inventory"] { config.inventory = inventory(node, resolve: resolve) }
        if let node = top["products"] { config.products = products(node, resolve: resolve) }
        if let node = top["notify"] { config.notify = notify(node) }
        if let node = top["watch"] { config.watch = watch(node) }
        if let node = top["log"] { config.log = log(node) }
        if let node = top["sftp"] { config.sftp = sftp(node, resolve: resolve) }
        if config.sftp == nil, folders.remoteInbox != nil || folders.remoteOutbox != nil {
            reader.error(top["folders"], "an sftp:// folder needs an sftp: section with key_file and host_key_sha256 (or known_hosts)")
        }
        if let inventory = config.inventory, let products = config.products, inventory.enabled, products.enabled,
            let name = Inbox.Settings.sharedName(inventory.inbox, products.inbox)
        {
            reader.error(
                top["products"],
                "the inventory and products jobs share the inbox and both take a file named like '\(name)' (inventory.include \(inventory.inbox.include), products.include \(products.inbox.include)); keep their patterns apart, e.g. stock_*.csv and products_*.csv, or add exclude:"
            )
        }
        for problem in Self.sharedFolders(config) { reader.error(top["folders"], problem) }
        return config
    }

    /// Folders the config gives two roles that must each have their own: an outbox that is the
    /// inbox (the inventory job would take the order files), a processing folder that is the inbox
    /// (files taken half-written), an error folder that is the inbox (failed files taken again)…
    /// Outboxes may share a folder (routes writing into one WMS folder), and so may archive and
    /// error (both only keep files).
    static func sharedFolders(_ config: BridgeConfig) -> [String] {
        enum Kind { case taken, kept, outbox }
        let folders = config.folders
        var roles: [(name: String, folder: String, kind: Kind)] = [
            ("folders.processing", folders.processing, .taken), ("folders.archive", folders.archive, .kept), ("folders.error", folders.error, .kept),
        ]
        if config.inventory != nil || config.products != nil { roles.append(("folders.inbox", folders.inbox, .taken)) }
        if let orders = config.orders {
            roles.append((folders.remoteOutbox == nil ? "folders.outbox" : "folders.outbox_staging", folders.outbox, .outbox))
            for route in orders.routes { if let outbox = route.outbox { roles.append(("orders.routes \(route.name) outbox", outbox, .outbox)) } }
        }
        var problems: [String] = []
        var seen: [String: (name: String, kind: Kind)] = [:]
        for role in roles {
            let key = URL(fileURLWithPath: role.folder).resolvingSymlinksInPath().standardizedFileURL.path
            guard let first = seen[key] else {
                seen[key] = (role.name, role.kind)
                continue
            }
            if first.kind != role.kind || role.kind == .taken {
                problems.append(
                    "\(first.name) and \(role.name) are the same folder (\(role.folder)); give each its own (only outboxes, or archive and error, may share one)"
                )
            }
        }
        func place(_ url: String?) -> String? { url.flatMap { SFTPLocation(url: $0, keyFile: "") }.map { "\($0.host):\($0.port)\($0.path)" } }
        if config.orders != nil, config.inventory != nil || config.products != nil, let inbox = place(folders.remoteInbox),
            inbox == place(folders.remoteOutbox)
        {
            problems.append(
                "folders.inbox and folders.outbox are the same sftp:// folder (\(inbox)); give each its own: the inbox jobs would take the order files"
            )
        }
        return problems
    }

    private func joor(_ node: Node) -> BridgeConfig.JOOR {
        var joor = BridgeConfig.JOOR()
        guard let object = reader.object(node, "joor", allowedKeys: Keys.joor) else { return joor }
        if let v = object["token_env"].flatMap({ reader.string($0, "joor.token_env") }) { joor.tokenEnv = v }
        joor.tokenFile = object["token_file"].flatMap { reader.string($0, "joor.token_file") }.map {
            $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent($0).path
        }
        if object.has("token_env") && object.has("token_file") {
            reader.error(object["token_file"], "give either joor.token_env or joor.token_file, not both")
        }
        joor.testMode = object["test_mode"].flatMap { reader.bool($0, "joor.test_mode") } ?? false
        if let url = object["base_url"].flatMap({ reader.string($0, "joor.base_url") }) {
            if URL(string: url)?.scheme?.hasPrefix("http") == true {
                joor.baseURL = url
            } else {
                reader.error(object["base_url"], "joor.base_url must be an http(s) URL, not '\(url)'")
            }
        }
        joor.account = object["account"].flatMap { reader.string($0, "joor.account") }
        if let n = reader.int(object["credit_limit"], "joor.credit_limit", in: 1...1_000_000) { joor.creditLimit = n }
        if let n = reader.seconds(object["credit_window_seconds"], "joor.credit_window_seconds", in: 1...86_400) { joor.creditWindowSeconds = n }
        if let n = reader.seconds(object["request_timeout_seconds"], "joor.request_timeout_seconds", in: 1...3_600) {
            joor.requestTimeoutSeconds = n
        }
        if let n = reader.seconds(object["connect_timeout_seconds"], "joor.connect_timeout_seconds", in: 1...120) { joor.connectTimeoutSeconds = n }
        if let api = reader.choice(object["api"], "joor.api", as: BridgeConfig.ProductsAPI.self) { joor.productsAPI = api }
        if let v4 = reader.object(object["v4"], "joor.v4", allowedKeys: Keys.v4) {
            func text(_ key: String, _ fallback: String? = nil) -> String? {
                let value = v4[key].flatMap { reader.string($0, "joor.v4.\(key)") } ?? fallback
                if value == nil { reader.error(v4.node, "joor.v4 needs \(key):") }
                return value
            }
            // The account id v4 calls carry: joor.v4.account, else joor.account.
            if let own = v4["account"].flatMap({ reader.string($0, "joor.v4.account") }), let shared = joor.account, own != shared {
                reader.error(
                    v4["account"], "joor.v4.account '\(own)' differs from joor.account '\(shared)'; give the JOOR account id once, as joor.account")
            }
            if let id = text("client_id"), let secret = text("client_secret_env", "JOOR_CLIENT_SECRET"), let user = text("username"),
                let password = text("password_env", "JOOR_PASSWORD"), let account = text("account", joor.account)
            {
                joor.v4 = .init(clientID: id, clientSecretEnv: secret, username: user, passwordEnv: password, account: account)
            }
        }
        if joor.productsAPI == .v4 && joor.v4 == nil {
            reader.error(
                object["api"],
                "joor.api: v4 needs joor.v4: { client_id, username, client_secret_env, password_env } and the account id (joor.account)")
        }
        return joor
    }

    private func inventory(_ node: Node, resolve: (String) -> String) -> InventorySettings? {
        guard let object = reader.object(node, "inventory", allowedKeys: Keys.inventory) else { return nil }
        guard let job = inboxJob(object, node, "inventory", batchSize: 500, example: "mappings/inventory-csv.yml", resolve: resolve) else {
            return nil
        }
        var settings = InventorySettings(job: job)
        settings.overwrite = object["overwrite"].flatMap { reader.bool($0, "inventory.overwrite") } ?? false
        settings.decPending = object["dec_pending"].flatMap { reader.bool($0, "inventory.dec_pending") } ?? false
        if let safety = reader.object(object["safety_stock"], "inventory.safety_stock") {
            for entry in safety.entries { if let n = reader.int(entry.value, "safety_stock.\(entry.key)") { settings.safetyStock[entry.key] = n } }
        }
        return settings
    }

    private func products(_ node: Node, resolve: (String) -> String) -> ProductsSettings? {
        guard let object = reader.object(node, "products", allowedKeys: Keys.products) else { return nil }
        return inboxJob(object, node, "products", batchSize: 200, example: "mappings/products-csv.yml", resolve: resolve)
    }

    /// The keys the inventory and products sections share.
    private func inboxJob(
        _ object: YAMLObject, _ node: Node, _ section: String, batchSize: Int, example: String, resolve: (String) -> String
    )
        -> InboxJobSettings?
    {
        guard
            let mapping = reader.required(
                object, "mapping", "\(section).mapping", at: node, else: "\(section) needs mapping: (the \(section) mapping file, e.g. \(example))")
        else { return nil }
        var settings = InboxJobSettings(mapping: resolve(mapping), batchSize: batchSize)
        settings.enabled = object["enabled"].flatMap { reader.bool($0, "\(section).enabled") } ?? true
        settings.inbox = inboxSettings(object, section)
        if let n = reader.int(object["max_attempts"], "\(section).max_attempts", in: 1...1000) { settings.maxAttempts = n }
        if let n = reader.int(object["batch_size"], "\(section).batch_size", in: 1...10_000) { settings.batchSize = n }
        settings.full = object["full"].flatMap { reader.bool($0, "\(section).full") } ?? false
        return settings
    }

    /// The inbox keys shared by the inventory and products sections.
    private func inboxSettings(_ object: YAMLObject, _ section: String) -> Inbox.Settings {
        var inbox = Inbox.Settings()
        if let list = object["include"].flatMap({ reader.strings($0, "\(section).include") }) { inbox.include = list }
        if let list = object["exclude"].flatMap({ reader.strings($0, "\(section).exclude") }) { inbox.exclude = list }
        if let n = reader.seconds(object["settle_seconds"], "\(section).settle_seconds", in: 0...86_400) { inbox.settleSeconds = n }
        if let node = object["done_marker"], let marker = reader.string(node, "\(section).done_marker"), !marker.isEmpty, marker != "none" {
            if ["true", "false", "yes", "no", "on", "off"].contains(marker.lowercased()) || marker.contains("/") {
                // Read as a suffix, `false` would wait for NAME.false for ever.
                reader.error(
                    node,
                    "\(section).done_marker is the suffix of the marker file to wait for: none, or e.g. .done; not '\(marker)' (orders.done_marker is the one that is true or false)"
                )
            } else {
                inbox.doneMarker = marker.hasPrefix(".") ? marker : "." + marker
            }
        }
        return inbox
    }

    private func orders(_ node: Node, resolve: (String) -> String) -> OrdersSettings? {
        guard let object = reader.object(node, "orders", allowedKeys: Keys.orders) else { return nil }
        guard
            let mapping = reader.required(
                object, "mapping", "orders.mapping", at: node,
                else: "orders needs mapping: (the orders mapping file, e.g. mappings/orders-csv-lines.yml)")
        else { return nil }
        var settings = OrdersSettings(mapping: resolve(mapping))
        settings.enabled = object["enabled"].flatMap { reader.bool($0, "orders.enabled") } ?? true
        settings.customersMapping = object["customers_mapping"].flatMap { reader.string($0, "orders.customers_mapping") }.map(resolve)
        if let status = reader.choice(object["order_status"], "orders.order_status", as: OrdersSettings.Status.self) { settings.status = status }
        settings.warehouseCode = object["warehouse_code"].flatMap { reader.string($0, "orders.warehouse_code") }.flatMap { $0.isEmpty ? nil : $0 }
        settings.skipEmptyCustomerCode = object["skip_empty_customer_code"].flatMap { reader.bool($0, "skip_empty_customer_code") } ?? true
        if let g = object["go_live"], let text = reader.string(g, "orders.go_live") {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            settings.goLive = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
            if settings.goLive == nil { reader.error(g, "orders.go_live must be a date like 2025-06-01") }
        }
        if let n = reader.int(object["page_size"], "orders.page_size", in: 1...1000) { settings.pageSize = n }
        settings.deliverAmendments = object["deliver_amendments"].flatMap { reader.bool($0, "deliver_amendments") } ?? false
        settings.deliverCancellations = object["deliver_cancellations"].flatMap { reader.bool($0, "orders.deliver_cancellations") } ?? false
        settings.cancellationsMapping = object["cancellations_mapping"].flatMap { reader.string($0, "orders.cancellations_mapping") }.map(resolve)
        if let t = object["temp_name"], let text = reader.string(t, "orders.temp_name") {
            if text.contains("{name}") && text != "{name}" {
                settings.tempName = text
            } else {
                reader.error(t, "orders.temp_name must contain {name} and differ from it, e.g. \".{name}.tmp\"")
            }
        }
        settings.doneMarker = object["done_marker"].flatMap { reader.bool($0, "done_marker") } ?? false
        if let n = reader.int(object["catch_up_days"], "orders.catch_up_days", in: 1...3650) { settings.catchUpDays = n }
        if let node = object["routes"] {
            settings.routes = routes(node, resolve: resolve)
            if settings.warehouseCode != nil {
                reader.error(
                    object["warehouse_code"],
                    "orders.warehouse_code cannot be combined with orders.routes; give each route a when: { field: order.warehouse_code, equals: … }")
            }
        }
        if settings.deliverCancellations, settings.cancellationsMapping == nil {
            let unmapped = settings.effectiveRoutes.filter { $0.cancellationsMapping == nil }.map(\.name)
            if !unmapped.isEmpty {
                reader.error(
                    object["deliver_cancellations"],
                    "orders.deliver_cancellations needs cancellations_mapping: (the cancellation file's mapping, e.g. mappings/orders-cancellation-csv.yml)\(settings.routes.isEmpty ? "" : " for the routes \(unmapped.joined(separator: ", "))")"
                )
            }
        } else if !settings.deliverCancellations,
            object.has("cancellations_mapping") || settings.routes.contains(where: { $0.cancellationsMapping != nil })
        {
            reader.warning(
                object["cancellations_mapping"],
                "a cancellations_mapping is given but orders.deliver_cancellations is off, so no cancellation is delivered")
        }
        return settings
    }

    /// `orders.routes`: a list of `{ name, when, outbox, mapping, customers_mapping }`, first match
    /// wins; a route without `when` takes every order and must be the last.
    private func routes(_ node: Node, resolve: (String) -> String) -> [OrdersSettings.Route] {
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.error(node, "orders.routes must be a list of { name, when, outbox, mapping }, first match wins")
            return []
        }
        var routes: [OrdersSettings.Route] = []
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            guard let object = reader.object(item, "orders.routes entry", allowedKeys: Keys.route) else { continue }
            guard
                let name = reader.required(
                    object, "name", "orders.routes.name", at: item,
                    else: "each route needs name: (letters, digits, - and _), used in the ledger, status and `orders deliver --route`")
            else { continue }
            if name.isEmpty || !name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }) {
                reader.error(object["name"], "route name '\(name)' may use only letters, digits, - and _")
            }
            if !names.insert(name).inserted { reader.error(object["name"], "two routes are named '\(name)'") }
            var route = OrdersSettings.Route(name: name)
            if let when = object["when"] {
                route.condition = OrderCondition.parse(when, reader: reader, what: "orders.routes.\(name).when")
            } else if index != items.count - 1 {
                reader.error(item, "route '\(name)' has no when:, so it takes every order and the routes after it would never be used; put it last")
            }
            if let outbox = object["outbox"].flatMap({ reader.string($0, "orders.routes.\(name).outbox") }) {
                if outbox.lowercased().hasPrefix("sftp:") {
                    reader.error(
                        object["outbox"],
                        "a route's outbox must be a local folder; only folders.outbox can be an sftp:// folder (a route without outbox: uses it)")
                } else {
                    route.outbox = resolve(outbox)
                }
            }
            route.mapping = object["mapping"].flatMap { reader.string($0, "orders.routes.\(name).mapping") }.map(resolve)
            route.customersMapping = object["customers_mapping"].flatMap { reader.string($0, "orders.routes.\(name).customers_mapping") }.map(resolve)
            route.cancellationsMapping = object["cancellations_mapping"].flatMap { reader.string($0, "orders.routes.\(name).cancellations_mapping") }
                .map(resolve)
            routes.append(route)
        }
        return routes
    }

    private func notify(_ node: Node) -> NotifySettings? {
        guard let object = reader.object(node, "notify", allowedKeys: Keys.notify) else { return nil }
        var settings = NotifySettings()
        if let url = object["webhook"].flatMap({ reader.string($0, "notify.webhook") }) {
            if let scheme = URL(string: url)?.scheme, ["http", "https"].contains(scheme) {
                settings.webhook = url
            } else {
                reader.error(object["webhook"], "notify.webhook must be an http(s) URL, not '\(url)'")
            }
        }
        settings.command = object["command"].flatMap { reader.string($0, "notify.command") }.flatMap { $0.isEmpty ? nil : $0 }
        if let when = reader.choice(object["when"], "notify.when", as: NotifySettings.When.self) { settings.when = when }
        if let n = reader.seconds(object["timeout_seconds"], "notify.timeout_seconds", in: 1...300) { settings.timeoutSeconds = n }
        if let n = reader.int(object["attempts"], "notify.attempts", in: 1...10) { settings.attempts = n }
        if settings.webhook == nil && settings.command == nil {
            reader.error(node, "notify needs webhook: (a URL) or command: (a shell command), or both")
        }
        return settings
    }

    private func watch(_ node: Node) -> WatchSettings {
        var settings = WatchSettings()
        guard let object = reader.object(node, "watch", allowedKeys: Keys.watch) else { return settings }
        if let n = reader.seconds(object["interval_seconds"], "watch.interval_seconds", in: WatchSettings.intervalRange) {
            settings.intervalSeconds = n
        }
        if let n = reader.seconds(object["poll_seconds"], "watch.poll_seconds", in: WatchSettings.pollRange) { settings.pollSeconds = n }
        return settings
    }

    private func sftp(_ node: Node, resolve: (String) -> String) -> SFTPSettings? {
        guard let object = reader.object(node, "sftp", allowedKeys: Keys.sftp) else { return nil }
        guard
            let key = reader.required(
                object, "key_file", "sftp.key_file", at: node,
                else: "sftp needs key_file: the private key joorbridge logs in with (password logins are not offered)")
        else { return nil }
        var settings = SFTPSettings(keyFile: resolve(key))
        settings.passphraseEnv = object["passphrase_env"].flatMap { reader.string($0, "sftp.passphrase_env") }
        if let pin = object["host_key_sha256"].flatMap({ reader.string($0, "sftp.host_key_sha256") }) {
            let bare = pin.hasPrefix("SHA256:") ? String(pin.dropFirst(7)) : pin
            if Data(base64Encoded: bare + String(repeating: "=", count: (4 - bare.count % 4) % 4))?.count == 32 {
                settings.hostKeySHA256 = "SHA256:" + bare
            } else {
                reader.error(
                    object["host_key_sha256"],
                    "sftp.host_key_sha256 must be a SHA256 fingerprint as `ssh-keygen -lf` prints it (SHA256: and 43 characters), not '\(pin)'")
            }
        }
        settings.knownHosts = object["known_hosts"].flatMap { reader.string($0, "sftp.known_hosts") }.map(resolve)
        if object["host_key_sha256"] == nil && settings.knownHosts == nil {
            reader.error(
                node,
                "sftp needs host_key_sha256: or known_hosts: so joorbridge knows it talks to the right server; get the fingerprint with `ssh-keyscan -p PORT HOST | ssh-keygen -lf -` and check it with the server's administrator"
            )
        }
        if let n = reader.int(object["connect_timeout_seconds"], "sftp.connect_timeout_seconds", in: 1...300, unit: "seconds") {
            settings.connectTimeoutSeconds = n
        }
        if let n = reader.int(object["timeout_seconds"], "sftp.timeout_seconds", in: 1...3_600, unit: "seconds") { settings.timeoutSeconds = n }
        if let after = reader.choice(object["after_download"], "sftp.after_download", as: SFTPSettings.AfterDownload.self) {
            settings.afterDownload = after
        }
        for (key, keyPath) in [("remote_archive", \SFTPSettings.remoteArchive), ("remote_error", \SFTPSettings.remoteError)] {
            guard let value = object[key].flatMap({ reader.string($0, "sftp.\(key)") }) else { continue }
            if value.hasPrefix("/") {
                settings[keyPath: keyPath] = value
            } else {
                reader.error(object[key], "sftp.\(key) must be an absolute path on the server, like /exports/archive")
            }
        }
        return settings
    }

    private func log(_ node: Node) -> LogSettings {
        var settings = LogSettings()
        guard let object = reader.object(node, "log", allowedKeys: Keys.log) else { return settings }
        settings.format = object["format"].flatMap { reader.choice($0, "log.format", ["text", "json"]) }
        settings.level = object["level"].flatMap {
            reader.choice($0, "log.level", ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        }
        return settings
    }
}
