/// A named translation table (`warehouses: { HH: "Hamburg Süd" }`), inline or from a CSV file.
public final class LookupTable: Sendable {
    public let name: String
    let entries: [String: String]
    let ignoreCase: Bool

    init(name: String, entries: [String: String], ignoreCase: Bool) {
        self.name = name
        self.ignoreCase = ignoreCase
        self.entries = ignoreCase ? Dictionary(entries.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }) : entries
    }

    func value(for key: String) -> String? {
        entries[ignoreCase ? key.lowercased() : key]
    }

    public var count: Int { entries.count }
}
