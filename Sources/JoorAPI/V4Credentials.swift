import Foundation

/// What JOOR's v4 API needs: OAuth password-grant credentials and the account id.
public struct V4Credentials: Sendable {
    public var clientID: String
    public var clientSecret: Secret
    public var username: String
    public var password: Secret
    /// The `account=` query parameter of every v4 call.
    public var account: String

    public init(clientID: String, clientSecret: Secret, username: String, password: Secret, account: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.username = username
        self.password = password
        self.account = account
    }
}

/// The current v4 access token, renewed before it expires (or after JOOR refuses it).
actor V4TokenStore {
    private var token: Secret?
    private var expires = ContinuousClock.now

    func current() -> Secret? {
        guard let token, ContinuousClock.now < expires else { return nil }
        return token
    }

    func store(_ token: Secret, expiresIn seconds: Double) {
        self.token = token
        // Renew a minute early (or at half the lifetime for short-lived tokens).
        let margin = min(60, seconds / 2)
        expires = ContinuousClock.now + .milliseconds(Int64((seconds - margin) * 1000))
    }

    func invalidate() { token = nil }
}
