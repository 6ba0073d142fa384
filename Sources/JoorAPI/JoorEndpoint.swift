/// Where JOOR is: production, JOOR's own sandbox, or any base URL (the local sandbox).
public struct JoorEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// Base of the v2 API, without a trailing slash (`https://api.jooraccess.com/v2`).
    public var v2: String
    /// Base of the v4 API.
    public var v4: String
    /// The v4 token endpoint (OAuth password grant).
    public var auth: String

    public init(v2: String, v4: String, auth: String) {
        self.v2 = Self.trimmed(v2)
        self.v4 = Self.trimmed(v4)
        self.auth = auth
    }

    /// JOOR production.
    public static let production = JoorEndpoint(
        v2: "https://api.jooraccess.com/v2", v4: "https://api.jooraccess.com/v4", auth: "https://atlas.jooraccess.com/auth/")
    /// JOOR's sandbox (`test_mode: true`).
    public static let jooraSandbox = JoorEndpoint(
        v2: "https://apisandbox.jooraccess.com/v2", v4: "https://apisandbox.jooraccess.com/v4", auth: "https://atlas-sandbox.jooraccess.com/auth/")

    /// Every API under one base URL, as the local sandbox serves them (`http://127.0.0.1:8080`).
    public static func local(_ baseURL: String) -> JoorEndpoint {
        let base = trimmed(baseURL)
        return JoorEndpoint(v2: base + "/v2", v4: base + "/v4", auth: base + "/auth/")
    }

    public var description: String { v2 }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
