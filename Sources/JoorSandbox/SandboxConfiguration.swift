import Foundation

/// How a sandbox is started.
public struct SandboxConfiguration: Sendable {
    /// Port on 127.0.0.1; 0 picks a free one.
    public var port = 0
    /// Folder for the sandbox's state, so a restart remembers what was exported and pushed.
    /// `nil` keeps everything in memory.
    public var dataDirectory: String?
    /// The API token clients must send (base64-encoded, after `OAuth2`).
    public var token = "sandbox-token"
    /// Generate this many realistic orders when the sandbox starts with no state.
    public var seedOrders = 0
    /// Seed for the generated orders, so every run generates the same ones.
    public var seed: UInt64 = 42
    /// The generated orders end more than an hour before the hour of this (default: when the sandbox starts).
    public var seededUntil: Date?
    /// JOOR's rate limit: credits per fixed window.
    public var creditLimit = 300
    public var creditWindowSeconds = 300.0
    /// Warehouses the account has (inventory for any other is refused).
    public var warehouses = ["Default", "Hamburg Süd", "München", "Main DC", "Future Q3"]
    /// Polls a bulk style job takes before it reports finished.
    public var jobPollsToFinish = 2
    /// v4 OAuth password-grant credentials the sandbox accepts, and its account id.
    public var v4ClientID = "sandbox-client"
    public var v4ClientSecret = "sandbox-secret"
    public var v4Username = "sandbox@example.com"
    public var v4Password = "sandbox-password"
    public var v4Account = "1"
    /// Lifetime of a v4 access token.
    public var v4TokenLifetimeSeconds = 36_000.0
    /// How the sandbox answers where JOOR's documentation leaves a choice open.
    public var answers = Answers()
    /// Order fields JOOR's integration manager made mandatory for export (`customer_code`,
    /// `warehouse_code`…). A synchronising pull with `check` (1 by default when `sync=1`) leaves
    /// out the orders lacking one and flags them "Failed" with the reason; none by default.
    public var requiredExportFields: Set<String> = []

    public init() {}
}

/// The sandbox's readings of what JOOR leaves unconfirmed. The default is what the reference
/// notes (`joor-api.md`) say JOOR does or most likely does; ``legacy`` is what joorbridge's first
/// sandbox answered. Clients are tested against both.
public struct Answers: Sendable, Equatable {
    /// What `next_start` says after a synchronising page (each page is marked exported as it is
    /// answered, so the orders not yet taken move to the front).
    public enum NextStart: String, Sendable, CaseIterable {
        /// `start_from + count`, as for any page (JOOR's docs: "used to pull additional pages"):
        /// a client that follows it skips every other page of a sync pull.
        case startPlusCount = "start-plus-count"
        /// The same offset again (the orders taken left the list).
        case sameStart = "same-start"
    }

    /// See ``styleRefusal``.
    public enum StyleRefusal: String, Sendable, CaseIterable {
        case inJob = "in-job"
        case httpStatus = "http-status"
        case responseCode = "response-code"
    }

    public var nextStart = NextStart.startPlusCount
    /// An orders page's `response.count` is the total of results, as the notes infer ("the total
    /// number of results"); `false`: the number of orders on this page, the other reading.
    public var ordersCountIsTotal = true
    /// A finished v2 bulk-style job lists the styles it refused (`errors`). JOOR documents only
    /// `status`, `style_record_count` and `style_record_progress` (refused styles are not counted
    /// in the progress).
    public var styleErrors = false
    /// How a bulk-style call with a style JOOR cannot take is answered. Nothing documents it:
    /// `.inJob` (the default) takes the call and leaves the style out of the job's progress;
    /// `.httpStatus` refuses the whole call with 400 and `response.code` 1, `.responseCode`
    /// answers 200 with `response.code` 1. Either way nothing of the call is applied.
    public var styleRefusal = StyleRefusal.inJob
    /// v4 `bulk_create` of a product JOOR has: `errors[].status == "DUPLICATED"` (what a client
    /// in the wild recognises) or only a message containing "duplicate".
    public var duplicateStatus = true
    /// v4 errors name what they are about in `details` (`external_id`, `product_id`, `sku_id`), as
    /// JOOR's one example does; `false`: `details: {}`, which the documented error shape allows
    /// (a client must then not take the unnamed refusals for successes).
    public var v4ErrorDetails = true
    /// v4 `skus/bulk_create` lists the SKUs it created with their `external_id`, as the sandbox
    /// always did; `false`: with their JOOR `id` only. Nothing documents this answer; a client
    /// must then not take a SKU it cannot find in it for created (its prices need its id).
    public var v4SKUCreateExternalIDs = true
    /// The v4 lists (`GET /v4/products`, `/v4/skus`, `/v4/prices`) honour `page` and
    /// `page_size` (100 by default, at most 500), as third-party clients send them; `false`: they
    /// ignore `page` (every page is the first), which nothing documented rules out.
    public var v4ListPaging = true
    /// The orders paths that answer (`/v2/orders`, `/v2/order`); others answer 404.
    public var ordersPaths: Set<String> = ["/v2/orders", "/v2/order"]
    /// Answer order pages in XML whatever the client's `Accept` asks for. JOOR's docs name both
    /// forms (`Accept`: xml or json) without saying which JOOR sends when it ignores the header:
    /// a client must read both. Without it, XML goes to clients that ask for it.
    public var ordersAsXML = false
    /// Answer orders in another envelope (`{"results": [...], "meta": {...}}`): what a user would
    /// meet if JOOR's real envelope differed from the notes (`check --connect` must say so).
    public var changedOrdersEnvelope = false

    public init() {}

    /// What joorbridge's first sandbox answered.
    public static var legacy: Answers {
        var answers = Answers()
        answers.nextStart = .sameStart
        answers.styleErrors = true
        answers.duplicateStatus = false
        return answers
    }
}
