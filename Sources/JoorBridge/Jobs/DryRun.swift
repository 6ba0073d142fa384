import Foundation

/// What a dry run shows instead of doing it. The jobs hand these to the caller (the CLI prints
/// them); nothing is sent to JOOR, written, moved or recorded.
public enum DryRunOutput: Sendable {
    /// A request a real run would send: `POST /v2/bulk-inventory?overwrite=1` and its exact body.
    case request(endpoint: String, body: Data)
    /// A file a real run would write into the outbox.
    case file(name: String, content: Data)
    /// What a real run would do with an inbox file, or why it would not send something.
    case note(String)
}

/// Where a dry run's output goes.
public typealias DryRunPrinter = @Sendable (DryRunOutput) -> Void
