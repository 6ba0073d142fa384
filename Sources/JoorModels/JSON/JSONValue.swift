import Foundation

/// Any JSON value, with numbers kept as exact decimals (JOOR sends prices as numbers or strings).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON bytes.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The elements of an array (an object counts as a one-element array: JOOR wraps single items).
    public var elements: [JSONValue]? {
        switch self {
        case .array(let values): values
        case .object: [self]
        default: nil
        }
    }

    /// The value as text: strings as they are, numbers in plain decimal notation, booleans as
    /// `true`/`false`; `nil` for null, arrays and objects.
    public var text: String? {
        switch self {
        case .string(let value): value
        case .number(let value): value.plainDescription
        case .bool(let value): value ? "true" : "false"
        default: nil
        }
    }

    /// The value as an integer, accepting numbers and numeric strings.
    public var int: Int? {
        switch self {
        case .number(let value): Int(value.plainDescription)
        case .string(let value): Int(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }
}

extension Decimal {
    /// Plain notation without exponent (`1140`, `45.5`, `0.001`).
    public var plainDescription: String {
        var value = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 12, .plain)
        return NSDecimalNumber(decimal: rounded).stringValue
    }
}
