/// What went wrong talking to an SFTP server, with the server and path it concerns.
public struct SFTPError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        /// The server could not be reached, or the connection dropped or timed out.
        case connection
        /// The server's host key is not the pinned one (or no pin was given).
        case hostKey
        /// The server refused the key.
        case authentication
        case permissionDenied
        case notFound
        /// The target name already exists (joorbridge never overwrites).
        case exists
        /// Anything else the server or the local disk reported.
        case io
    }

    public var kind: Kind
    public var server: String
    public var path: String?
    public var message: String

    public init(_ kind: Kind, server: String, path: String? = nil, message: String) {
        self.kind = kind
        self.server = server
        self.path = path
        self.message = message
    }

    public var description: String {
        "sftp://\(server)\(path.map { $0.hasPrefix("/") ? $0 : "/" + $0 } ?? ""): \(message)"
    }
}
