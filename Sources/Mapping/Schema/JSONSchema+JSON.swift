/// Renders a ``SchemaDocument`` as JSON text, keys in the order the parsers list them.
extension SchemaDocument {
    /// The schema as pretty-printed JSON (two-space indent, keys in table order, newline at the end).
    public var json: String {
        var members: [(String, OrderedJSON)] = [
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string(id)),
            ("title", .string(title)),
        ]
        members += root.json.members
        if !definitions.isEmpty {
            members.append(("$defs", .object(definitions.map { ($0.name, $0.schema.json) })))
        }
        return OrderedJSON.object(members).text(indent: "") + "\n"
    }
}

extension JSONSchema {
    var json: OrderedJSON {
        func typed(_ type: OrderedJSON, _ description: String, _ extra: [(String, OrderedJSON)] = []) -> OrderedJSON {
            .object([("type", type)] + extra + Self.describe(description))
        }
        switch self {
        case .scalar(let d): return typed(.array([.string("string"), .string("number"), .string("boolean")]), d)
        case .integer(let d): return typed(.string("integer"), d)
        case .constant(let n, let d): return .object([("const", .integer(n))] + Self.describe(d))
        case .number(let d): return typed(.array([.string("number"), .string("string")]), d)
        case .boolean(let d): return typed(.string("boolean"), d)
        case .choice(let words, let d): return .object([("enum", .array(words.map(OrderedJSON.string)))] + Self.describe(d))
        case .scalars(let d):
            let scalar = JSONSchema.scalar("").json
            return .object([("anyOf", .array([scalar, .object([("type", .string("array")), ("items", scalar)])]))] + Self.describe(d))
        case .list(let item, let d): return typed(.string("array"), d, [("items", item.json)])
        case .object(let keys, let shapes, let required, let d):
            var extra: [(String, OrderedJSON)] = [("properties", .object(keys.map { ($0, (shapes[$0] ?? .any("")).json) }))]
            if !required.isEmpty { extra.append(("required", .array(required.map(OrderedJSON.string)))) }
            extra.append(("additionalProperties", .bool(false)))
            return typed(.string("object"), d, extra)
        case .map(let value, let d): return typed(.string("object"), d, [("additionalProperties", value.json)])
        case .anyOf(let options, let d): return .object([("anyOf", .array(options.map(\.json)))] + Self.describe(d))
        case .ref(let name): return .object([("$ref", .string("#/$defs/\(name)"))])
        case .any(let d): return .object(Self.describe(d))
        }
    }

    private static func describe(_ text: String) -> [(String, OrderedJSON)] {
        text.isEmpty ? [] : [("description", .string(text))]
    }
}

/// JSON with object members in a chosen order (JSONSerialization sorts or scrambles them).
enum OrderedJSON {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    var members: [(String, OrderedJSON)] {
        if case .object(let members) = self { return members }
        return []
    }

    func text(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .string(let s): return Self.quote(s)
        case .integer(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ if case .object = $0 { false } else if case .array = $0 { false } else { true } }) {
                return "[" + items.map { $0.text(indent: inner) }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { inner + Self.quote($0.0) + ": " + $0.1.text(indent: inner) }.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
