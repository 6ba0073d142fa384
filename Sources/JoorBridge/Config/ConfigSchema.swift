import Mapping

/// The JSON Schema of `joorbridge.yml` (`joorbridge schema config`), built from the key tables
/// the config parser checks with. `joorbridge init` writes a config that explains every key.
public enum ConfigSchema {
    /// Where the package installs it; `init`'s starter config points editors there.
    public static let installedPath = "/usr/share/joorbridge/schema/config.schema.json"

    public static var document: SchemaDocument {
        SchemaDocument(
            id: installedPath, title: "joorbridge config (joorbridge.yml)", root: root, definitions: [("condition", MappingSchema.condition)])
    }

    typealias Keys = ConfigParser.Keys

    static var root: JSONSchema {
        .object(
            keys: Keys.top,
            shapes: [
                "version": .constant(ConfigParser.version, "The config format version."),
                "joor": joor,
                "folders": .object(
                    keys: Keys.folders,
                    [
                        "inbox": .scalar("Where the WMS drops stock and product exports; a local folder or sftp://user@host:port/path."),
                        "outbox": .scalar("Where order files for the WMS go; a local folder or sftp://user@host:port/path."),
                        "processing": .scalar("Inbox files being pushed (local, on the inbox's file system)."),
                        "archive": .scalar("Inbox files JOOR accepted, by date."),
                        "error": .scalar("Broken files, with NAME.error.txt and NAME.rejects.csv."),
                        "outbox_staging": .scalar("With an sftp:// outbox: where files wait until they are uploaded."),
                    ], "The folders; relative paths are relative to the config file."),
                "state": .scalar("The SQLite state store (which orders were delivered); default state/joorbridge.sqlite."),
                "orders": orders,
                "inventory": inbox(
                    Keys.inventory, "inventory",
                    extra: [
                        "overwrite": .boolean(
                            "Each file is the whole stock: JOOR's whole inventory is replaced by the file's SKUs (first request overwrite=1)."),
                        "dec_pending": .boolean("Let JOOR subtract pending orders from the quantity."),
                        "safety_stock": .map(.integer(""), "Warehouse → quantity at or below which 0 is sent."),
                    ]),
                "products": inbox(Keys.products, "products", extra: [:]),
                "notify": .object(
                    keys: Keys.notify,
                    [
                        "webhook": .scalar("An http(s) URL that receives the JSON run summary."),
                        "command": .scalar("A shell command that gets the summary on standard input."),
                        "when": .choice(NotifySettings.When.allCases.map(\.rawValue), "Which runs notify (default problems)."),
                        "timeout_seconds": .number("Per notification, 1–300."),
                        "attempts": .integer("Webhook attempts, 1–10."),
                    ], "Alerts when a run fails or rejects something."),
                "watch": .object(
                    keys: Keys.watch,
                    [
                        "interval_seconds": .number("How often watch downloads orders (10–86400)."),
                        "poll_seconds": .number(
                            "How often watch looks at the inbox (0.1–3600; each look at an sftp:// inbox is a login, keep it at 5 or more there)."),
                    ], "joorbridge watch."),
                "log": .object(
                    keys: Keys.log,
                    [
                        "format": .choice(["text", "json"], "The log format (--log-format overrides it)."),
                        "level": .choice(
                            ["trace", "debug", "info", "notice", "warning", "error", "critical"], "The log level (--log-level overrides it)."),
                    ], "Logging defaults."),
                "sftp": sftp,
            ], required: ["version"], "A joorbridge config: how to reach JOOR, the folders, the state and the jobs.")
    }

    static var joor: JSONSchema {
        .object(
            keys: Keys.joor,
            [
                "token_env": .scalar("The environment variable holding the API token (default JOOR_API_TOKEN)."),
                "token_file": .scalar("A file holding the API token, mode 600 (instead of token_env)."),
                "test_mode": .boolean("true: JOOR's own sandbox; false: production."),
                "base_url": .scalar("Another JOOR, e.g. a local `joorbridge sandbox`."),
                "account": .scalar("The JOOR account id, which v4 calls carry (account=…)."),
                "credit_limit": .integer("JOOR's API credits per window; joorbridge stays below (1–1000000, default 300)."),
                "credit_window_seconds": .number("The credit window (1–86400, default 300)."),
                "request_timeout_seconds": .number("Per request (1–3600, default 60)."),
                "connect_timeout_seconds": .number("One attempt to connect (1–120, default 10); 3 attempts, then the run ends as JOOR unreachable."),
                "api": .choice(
                    BridgeConfig.ProductsAPI.allCases.map(\.rawValue),
                    "Which JOOR API creates products: v2 (bulk styles) or v4 (products, SKUs, prices; no linesheets or style attributes but minimum, so a products mapping that gives them is refused)."
                ),
                "v4": .object(
                    keys: Keys.v4,
                    shapes: [
                        "client_id": .scalar("The v4 OAuth client id."),
                        "client_secret_env": .scalar("The environment variable holding the client secret (default JOOR_CLIENT_SECRET)."),
                        "username": .scalar("The v4 user."),
                        "password_env": .scalar("The environment variable holding the password (default JOOR_PASSWORD)."),
                        "account": .scalar("The account id for v4 calls; default joor.account."),
                    ], required: ["client_id", "username"], "v4 credentials; the secrets come from the environment."),
            ], "How to reach JOOR. The token never goes into this file.")
    }

    static var orders: JSONSchema {
        .object(
            keys: Keys.orders,
            shapes: [
                "enabled": .boolean("Run this job (default true)."),
                "mapping": .scalar("The orders mapping file."),
                "customers_mapping": .scalar("A customers mapping: a bill-to/ship-to file per order."),
                "order_status": .choice(OrdersSettings.Status.allCases.map(\.rawValue), "Which orders to download."),
                "warehouse_code": .scalar(
                    "Only orders for this JOOR warehouse (the others are held); blank: all. With routes, use their when: instead."),
                "skip_empty_customer_code": .boolean("Hold orders without a customer code (default true); delivered once JOOR has one."),
                "go_live": .scalar("A date like 2025-06-01: orders changed in JOOR before it are never asked for; those created before it are held."),
                "page_size": .integer("Orders per JOOR request (1–1000)."),
                "deliver_amendments": .boolean("Deliver changed orders again."),
                "deliver_cancellations": .boolean(
                    "Write a cancellation file once for each delivered order JOOR cancels; orders cancelled before delivery are never delivered."),
                "cancellations_mapping": .scalar("The cancellation file's mapping (kind: orders), e.g. mappings/orders-cancellation-csv.yml."),
                "temp_name": .scalar("The temporary name while a file is written, with {name}."),
                "done_marker": .boolean("Also write NAME.done after each file."),
                "catch_up_days": .integer(
                    "The farthest (days) a catch-up after a crash reads back for orders the ledger did not expect (1–3650, default 14)."),
                "routes": .list(
                    .object(
                        keys: Keys.route,
                        shapes: [
                            "name": .scalar("The route's name (letters, digits, - and _)."),
                            "when": .ref("condition"),
                            "outbox": .scalar("A local outbox folder for this route (default folders.outbox)."),
                            "mapping": .scalar("The orders mapping for this route (default orders.mapping)."),
                            "customers_mapping": .scalar("The customers mapping for this route (default orders.customers_mapping)."),
                            "cancellations_mapping": .scalar("The cancellations mapping for this route (default orders.cancellations_mapping)."),
                        ], required: ["name"], "A route: the first whose when: holds takes the order; a route without when: takes the rest (last)."),
                    "Where orders go, by any order field; orders no route takes are held."),
            ], required: ["mapping"], "The order download: JOOR orders → WMS files in the outbox.")
    }

    static func inbox(_ keys: [String], _ job: String, extra: [String: JSONSchema]) -> JSONSchema {
        let shapes: [String: JSONSchema] = [
            "enabled": .boolean("Run this job (default true)."),
            "mapping": .scalar("The \(job) mapping file."),
            "include": .scalars("File name patterns to take from the inbox, e.g. \"stock_*.csv\"."),
            "exclude": .scalars("File name patterns to leave alone."),
            "settle_seconds": .number("A file must be unchanged this long (0–86400, default 10)."),
            "done_marker": .scalar("none, or a suffix like .done: wait for NAME.done and consume it."),
            "max_attempts": .integer("Attempts before a file goes to error/ (1–1000, default 3)."),
            "batch_size": .integer("Records per JOOR request, 1–10000 (default 500 items for inventory, 200 styles for products)."),
            "full": .boolean("Send every record, changed or not."),
        ]
        return .object(keys: keys, shapes: shapes.merging(extra) { $1 }, required: ["mapping"], "The \(job) push: inbox files → JOOR.")
    }

    static var sftp: JSONSchema {
        .object(
            keys: Keys.sftp,
            shapes: [
                "key_file": .scalar("The private key joorbridge logs in with (mode 600)."),
                "passphrase_env": .scalar("The environment variable holding the key's passphrase."),
                "host_key_sha256": .scalar("The server's host key fingerprint, SHA256:…"),
                "known_hosts": .scalar("A known_hosts file (instead of host_key_sha256)."),
                "connect_timeout_seconds": .integer("1–300."),
                "timeout_seconds": .integer("Any one operation, 1–3600."),
                "after_download": .choice(SFTPSettings.AfterDownload.allCases.map(\.rawValue), "What happens to a remote inbox file JOOR accepted."),
                "remote_archive": .scalar("An absolute path on the server."),
                "remote_error": .scalar("An absolute path on the server."),
            ], required: ["key_file"], "Login and trust for sftp:// folders.")
    }
}
