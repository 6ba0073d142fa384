internal import CBuildInfo

/// The version printed by `joorbridge --version`: the release number and the commit it was built
/// from, e.g. `0.2.0 (b3d4c74)`.
///
/// The commit comes from `JOORBRIDGE_COMMIT` in the environment of the build (`scripts/package.sh`
/// and CI set it from `git rev-parse --short HEAD`); a plain `swift build` says `unknown commit`.
enum JoorBridgeVersion {
    /// The release number; `scripts/package.sh` names the packages after it.
    static let number = "0.2.0"

    static var commit: String { String(cString: joorbridge_build_commit()) }

    static var current: String { "\(number) (\(commit))" }
}
