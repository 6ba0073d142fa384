import Foundation

/// The state store (the SQLite ledger the config's `state:` names) could not be opened or set up.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    /// The state file.
    public var path: String
    /// What failed, as the file system or SQLite said it.
    public var reason: String
    /// What to do about it, when it is not the usual (the config's `state:`, write rights).
    public var fix: String?

    public init(path: String, reason: String, fix: String? = nil) {
        self.path = path
        self.reason = reason
        self.fix = fix
    }

    public var description: String {
        "the state store \(path) cannot be opened: \(reason); " + (fix ?? "check state: in the config, and that this user may write there")
    }
}
