import JoorModels

/// What a mapping describes, and so which way data flows.
public enum MappingKind: String, Sendable, CaseIterable {
    /// WMS stock export → JOOR bulk inventory.
    case inventory
    /// WMS product export → JOOR styles.
    case products
    /// JOOR orders → WMS order import file.
    case orders
    /// JOOR orders' customers (bill-to, ship-to) → WMS customer import file.
    case customers

    public var isInbound: Bool { self == .inventory || self == .products }
}

/// The JOOR fields an inbound mapping may fill, with the type each one needs.
enum TargetCatalog {
    static let inventory: [String: FieldRule.ValueType] = Dictionary(uniqueKeysWithValues: InventoryField.allCases.map { ($0.name, $0.type) })

    /// The type a target field needs, or `nil` if the kind has no such field.
    static func type(of target: String, kind: MappingKind) -> FieldRule.ValueType?? {
        switch kind {
        case .inventory:
            return inventory[target].map { .some($0) }
        case .products:
            if StyleAssembler.fields.contains(target) { return .some(nil) }
            let parts = target.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0] == "price", !parts[1].isEmpty, StyleAssembler.priceParts.contains(String(parts[2])) {
                return .some(parts[2] == "wholesale" || parts[2] == "retail" ? .decimal : nil)
            }
            return nil
        case .orders, .customers:
            return .some(nil)
        }
    }

    static func describe(_ kind: MappingKind) -> String {
        switch kind {
        case .inventory: inventory.keys.sorted().joined(separator: ", ")
        case .products: StyleAssembler.fields.sorted().joined(separator: ", ") + ", price.<label>.wholesale|retail|currency|retail_currency"
        case .orders, .customers: "any column name"
        }
    }
}

/// A mapping file's `source.format` or `output.format`.
enum FileFormatName: String, CaseIterable {
    case csv
    case xml
    case fixed
}
