/// The version printed by `joorbridge --version`.
enum JoorBridgeVersion {
    static let current = "0.1.0"
}
