import Foundation
import Yams

/// Checks a YAML document against a JSON Schema, for the tests of `joorbridge schema`.
///
/// It knows exactly the keywords joorbridge's schemas use (`type`, `const`, `enum`, `properties`,
/// `additionalProperties`, `required`, `items`, `anyOf`, `$ref` into `$defs`); a schema with any
/// other keyword is reported as a problem rather than half-checked.
public struct SchemaValidator {
    let root: [String: Any]

    static let known: Set<String> = [
        "$schema", "$id", "title", "description", "$defs", "type", "const", "enum", "properties",
        "additionalProperties", "required", "items", "anyOf", "$ref",
    ]

    /// A validator for the schema in `json` (the text `joorbridge schema …` prints).
    public init(json: String) throws {
        guard let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        self.root = root
    }

    /// The YAML text read the way editors read it (YAML 1.2 core: dates stay text, yes/no stay text).
    public static func load(yaml: String) throws -> Any {
        let resolver = try Resolver.default.removing(.timestamp).replacing(.bool, with: "^(?:true|True|TRUE|false|False|FALSE)$")
        return try Yams.load(yaml: yaml, resolver) ?? NSNull()
    }

    /// Every document of a multi-document YAML file (Kubernetes manifests), read like ``load(yaml:)``.
    public static func documents(yaml: String) throws -> [Any] {
        let resolver = try Resolver.default.removing(.timestamp).replacing(.bool, with: "^(?:true|True|TRUE|false|False|FALSE)$")
        return Array(try Yams.load_all(yaml: yaml, resolver))
    }

    /// Every place where `yaml` does not fit the schema, as `path: problem`; empty when it fits.
    public func problems(yaml: String) throws -> [String] {
        problems(try Self.load(yaml: yaml), root, "$")
    }

    func problems(_ value: Any, _ schema: [String: Any], _ path: String) -> [String] {
        var found: [String] = []
        for key in schema.keys where !Self.known.contains(key) {
            found.append("\(path): the schema uses '\(key)', which this validator does not check")
        }
        if let ref = schema["$ref"] as? String {
            let name = ref.replacingOccurrences(of: "#/$defs/", with: "")
            guard let target = (root["$defs"] as? [String: Any])?[name] as? [String: Any] else {
                return found + ["\(path): $ref \(ref) is not defined"]
            }
            found += problems(value, target, path)
        }
        if let constant = schema["const"], !Self.equal(value, constant) { found.append("\(path): must be \(constant)") }
        if let choices = schema["enum"] as? [Any], !choices.contains(where: { Self.equal(value, $0) }) {
            found.append("\(path): '\(value)' is not one of \(choices)")
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as? String].compactMap { $0 }
            if !types.contains(where: { Self.matches(value, $0) }) {
                found.append("\(path): must be \(types.joined(separator: " or ")), not \(Self.typeName(value))")
            }
        }
        if let options = schema["anyOf"] as? [[String: Any]] {
            let results = options.map { problems(value, $0, path) }
            if !results.contains(where: \.isEmpty) {
                found.append("\(path): fits none of the \(options.count) shapes: " + results.map { $0.first ?? "" }.joined(separator: " | "))
            }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { found.append("\(path): needs \(name)") }
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let shape = properties[key] as? [String: Any] {
                    found += problems(member, shape, "\(path).\(key)")
                } else if let shape = schema["additionalProperties"] as? [String: Any] {
                    found += problems(member, shape, "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path): unknown key '\(key)'")
                }
            }
        }
        if let list = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in list.enumerated() { found += problems(item, items, "\(path)[\(index)]") }
        }
        return found
    }

    static func typeName(_ value: Any) -> String {
        switch value {
        case is String: "string"
        case is Bool: "boolean"
        case is Int: "integer"
        case is Double: "number"
        case is [Any]: "array"
        case is [String: Any]: "object"
        case is NSNull: "null"
        default: "\(type(of: value))"
        }
    }

    static func matches(_ value: Any, _ type: String) -> Bool {
        let name = typeName(value)
        switch type {
        case "number": return name == "integer" || name == "number"
        case "integer": return name == "integer" || (value as? Double).map { $0 == $0.rounded() } == true
        default: return name == type
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as String, let y as String): x == y
        case (let x as Bool, let y as Bool): x == y
        case (let x as Int, let y as Int): x == y
        case (let x as Int, let y as NSNumber): x == y.intValue && y.doubleValue == Double(y.intValue)
        case (let x as Double, let y as NSNumber): x == y.doubleValue
        default: false
        }
    }
}
