/// The `notify:` section: who hears about a run that failed or rejected something.
///
/// ```yaml
/// notify:
///   webhook: https://hooks.example.com/joorbridge   # receives the JSON run summary (POST)
///   command: "mail -s 'joorbridge problem' ops@example.com"   # gets the summary on stdin
///   when: problems        # or: always
/// ```
public struct NotifySettings: Sendable {
    public enum When: String, Sendable, CaseIterable {
        /// Only runs that failed or rejected something (any status but done and locked).
        case problems
        /// Every run that did something (in `watch`, every cycle that did something).
        case always
    }

    public var webhook: String?
    public var command: String?
    public var when = When.problems
    /// How long one notification may take in all (webhook attempts plus the command).
    public var timeoutSeconds = 15.0
    /// Webhook attempts before giving up (with a short pause between them).
    public var attempts = 3
}

/// The `watch:` section: how often `joorbridge watch` looks at the inbox and asks JOOR for orders.
public struct WatchSettings: Sendable {
    /// Seconds between order downloads.
    public var intervalSeconds = 300.0
    /// Seconds between looks at the inbox.
    public var pollSeconds = 5.0

    /// What `interval_seconds` and `--interval` accept: at least 10 s keeps a watch within JOOR's
    /// rate limit (300 credits per 5 minutes), at most a day.
    public static let intervalRange = 10.0...86_400
    /// What `poll_seconds` and `--poll` accept: a look at a local folder is cheap (a look at an
    /// `sftp://` inbox is a login: the default 5 s suits it); at most an hour.
    public static let pollRange = 0.1...3_600
}

/// The `log:` section: defaults for `--log-format` and `--log-level`.
public struct LogSettings: Sendable {
    /// `text` or `json`.
    public var format: String?
    /// trace, debug, info, notice, warning, error or critical.
    public var level: String?
}
