import Foundation

/// The state store (the SQLite ledger the config's `state:` names) could not be opened or set up.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    /// The state file.
    public var path: String
    /// What failed, as the file system or SQLite said it.
    public var reason: String

    public var description: String {
        "the state store \(path) cannot be opened: \(reason); check state: in the config, and that this user may write there"
    }
}
