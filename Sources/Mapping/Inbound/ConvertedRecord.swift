/// The target fields of an inbound mapping, in rule order. Every record the mapping converts
/// keeps its values in these slots, so a row costs one small array, not a dictionary per field.
public final class RecordTargets: Sendable {
    /// Target field names, one per slot.
    public let names: [String]
    private let slots: [String: Int]
    /// How each slot's value is written as text (`number.decimals` and its separator).
    private let formats: [FieldRule.NumberFormat?]
    /// The slot of each ``InventoryField`` (in its order), `nil` where the mapping has no such field.
    let inventory: [Int?]

    init(_ rules: [FieldRule]) {
        names = rules.map(\.target)
        var slots: [String: Int] = [:]
        for (slot, name) in names.enumerated() where slots[name] == nil { slots[name] = slot }
        self.slots = slots
        formats = rules.map(\.number)
        inventory = InventoryField.allCases.map { slots[$0.name] }
    }

    /// The slot of a target field.
    public func slot(_ name: String) -> Int? { slots[name] }

    /// A value as text, formatted as its rule says (`number.decimals: 2` → `45.00`).
    func text(_ value: FieldValue, slot: Int) -> String {
        FieldRule.formatted(value, number: formats[slot])
    }
}

/// The JOOR field values of one converted input record.
public struct ConvertedRecord: Sendable, Equatable {
    /// Line in the input file.
    public var line: Int
    /// The mapping's target fields: what each slot of ``values`` is.
    public let targets: RecordTargets
    /// Values by slot; `nil` where the field has no value.
    public private(set) var values: [FieldValue?]

    init(line: Int, targets: RecordTargets, values: [FieldValue?]) {
        self.line = line
        self.targets = targets
        self.values = values
    }

    /// The value of a target field, if it has one.
    public subscript(field: String) -> FieldValue? { targets.slot(field).flatMap { values[$0] } }

    /// Target field → value; fields without a value are absent.
    public var fields: [String: FieldValue] {
        var fields: [String: FieldValue] = [:]
        for (slot, value) in values.enumerated() { if let value { fields[targets.names[slot]] = value } }
        return fields
    }

    /// The value of a target field as text, formatted by its rule (`number.decimals`: `45.00`).
    public func text(_ field: String) -> String? {
        guard let slot = targets.slot(field), let value = values[slot] else { return nil }
        return targets.text(value, slot: slot)
    }

    /// Every value as text, formatted by its rule.
    public var texts: [String: String] {
        var texts: [String: String] = [:]
        for (slot, value) in values.enumerated() { if let value { texts[targets.names[slot]] = targets.text(value, slot: slot) } }
        return texts
    }

    public static func == (a: ConvertedRecord, b: ConvertedRecord) -> Bool {
        a.line == b.line && a.fields == b.fields
    }
}
