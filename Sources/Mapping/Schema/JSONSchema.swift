/// A part of a JSON Schema (draft 2020-12) for a YAML file joorbridge reads: the small subset
/// that editors (yaml-language-server) use to complete and check keys as you type.
///
/// Objects take their keys from the same tables the parsers check with (`checkKeys(_:allowed:)`),
/// so the schema accepts exactly the keys joorbridge accepts; ``SchemaDocument/problems`` lists
/// any key the parser accepts that has no description here, and any description of a key the
/// parser does not accept.
public indirect enum JSONSchema: Sendable {
    /// One YAML scalar: text, a number or true/false (the parser reads it as text).
    case scalar(String)
    /// A whole number.
    case integer(String)
    /// Exactly this whole number (a format `version`).
    case constant(Int, String)
    /// A number, or text that holds one (`"1,5"` with a `number:` format).
    case number(String)
    /// `true` or `false`.
    case boolean(String)
    /// One of these words.
    case choice([String], String)
    /// One scalar, or a list of them.
    case scalars(String)
    /// A list whose items all have one shape.
    case list(JSONSchema, String)
    /// An object with exactly the keys `keys` (the parser's table); `shapes` describes each one.
    case object(keys: [String], shapes: [String: JSONSchema], required: [String], String)
    /// An object whose keys are free (names chosen by the user), every value of one shape.
    case map(JSONSchema, String)
    /// Any of these shapes.
    case anyOf([JSONSchema], String)
    /// A shape defined once under `$defs` (`#/$defs/NAME`).
    case ref(String)
    /// Anything (a key whose value this schema does not describe).
    case any(String)

    /// An object with exactly `keys`, none required.
    public static func object(keys: [String], _ shapes: [String: JSONSchema], _ description: String) -> JSONSchema {
        .object(keys: keys, shapes: shapes, required: [], description)
    }
}

/// A whole schema: its root, the shapes it defines once and refers to, and how it names itself.
public struct SchemaDocument: Sendable {
    /// Where the schema is installed (`$id`), e.g. `/usr/share/joorbridge/schema/mapping.schema.json`.
    public var id: String
    public var title: String
    public var root: JSONSchema
    public var definitions: [(name: String, schema: JSONSchema)]

    public init(id: String, title: String, root: JSONSchema, definitions: [(name: String, schema: JSONSchema)]) {
        self.id = id
        self.title = title
        self.root = root
        self.definitions = definitions
    }

    /// Keys the parser accepts that the schema does not describe, descriptions of keys the parser
    /// does not accept, and references to undefined shapes; empty when schema and parser agree.
    public var problems: [String] {
        var found: [String] = []
        let names = Set(definitions.map(\.name))
        func walk(_ schema: JSONSchema, _ path: String) {
            switch schema {
            case .object(let keys, let shapes, let required, _):
                for key in keys where shapes[key] == nil { found.append("\(path).\(key): the parser accepts it, the schema does not describe it") }
                for key in shapes.keys.sorted() where !keys.contains(key) {
                    found.append("\(path).\(key): described, but the parser does not accept it")
                }
                for key in required where !keys.contains(key) { found.append("\(path).\(key): required, but the parser does not accept it") }
                for key in keys { if let shape = shapes[key] { walk(shape, "\(path).\(key)") } }
            case .list(let item, _): walk(item, "\(path)[]")
            case .map(let value, _): walk(value, "\(path).*")
            case .anyOf(let options, _): for option in options { walk(option, path) }
            case .ref(let name): if !names.contains(name) { found.append("\(path): refers to #/$defs/\(name), which is not defined") }
            default: break
            }
        }
        walk(root, "")
        for definition in definitions { walk(definition.schema, "#/$defs/\(definition.name)") }
        return found
    }
}
