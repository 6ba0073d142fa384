import Yams

/// Reads a YAML mapping document node by node, collecting every problem with its position
/// instead of stopping at the first (batch tools collect, then fail).
package final class YAMLReader {
    package let path: String
    package private(set) var problems: [MappingError] = []

    package init(path: String) { self.path = path }

    package var hasErrors: Bool { problems.contains { !$0.isWarning } }

    package func error(_ node: Node?, _ message: String) {
        problems.append(MappingError(path: path, line: node?.mark?.line, column: node?.mark?.column, message: message))
    }

    /// An error at a line found outside the YAML tree (for example while interpolating `${NAME}`).
    package func errorAt(line: Int?, _ message: String) {
        problems.append(MappingError(path: path, line: line, message: message))
    }

    package func warning(_ node: Node?, _ message: String) {
        problems.append(MappingError(path: path, line: node?.mark?.line, column: node?.mark?.column, message: message, isWarning: true))
    }

    /// Parses the text, refusing anchors and aliases (they have no use in a mapping and
    /// an alias bomb would make the walk exponential).
    package func compose(_ text: String) -> Node? {
        let node: Node?
        // Yams holds a node's anchor weakly; keep the parser (which owns the anchors) alive
        // until the tree has been checked for them.
        let parser: Parser
        do {
            parser = try Parser(yaml: text)
            node = try parser.singleRoot()
        } catch let error as YamlError {
            problems.append(Self.problem(from: error, path: path))
            return nil
        } catch {
            problems.append(MappingError(path: path, message: "the file is not valid YAML: \(error)"))
            return nil
        }
        guard let node else {
            problems.append(MappingError(path: path, message: "the mapping file is empty"))
            return nil
        }
        let anchored = withExtendedLifetime(parser) { Self.firstAnchor(in: node, budget: 100_000) }
        if let anchored {
            error(anchored, "YAML anchors and aliases (&name, *name) are not allowed in mapping files; write the rule out")
            return nil
        }
        return node
    }

    private static func firstAnchor(in node: Node, budget: Int) -> Node? {
        var stack = [node]
        var visited = 0
        while let current = stack.popLast() {
            visited += 1
            if current.anchor != nil || visited > budget { return current }
            switch current {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    stack.append(key)
                    stack.append(value)
                }
            case .sequence(let sequence): stack.append(contentsOf: sequence)
            case .scalar, .alias: break
            }
        }
        return nil
    }

    private static func problem(from error: YamlError, path: String) -> MappingError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return MappingError(path: path, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .composer(_, let problem, let mark, _):
            return MappingError(path: path, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        default:
            return MappingError(path: path, message: "invalid YAML: \(error)")
        }
    }

    // MARK: Typed access

    /// A YAML mapping as ordered (key, key node, value) entries; reports a non-mapping.
    package func object(_ node: Node?, _ what: String) -> YAMLObject? {
        guard let node else { return nil }
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping of keys to values")
            return nil
        }
        var entries: [YAMLObject.Entry] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                error(key, "\(what): keys must be text")
                continue
            }
            entries.append(.init(key: name, keyNode: key, value: value))
        }
        return YAMLObject(node: node, entries: entries, what: what)
    }

    /// ``object(_:_:)`` whose keys must all be in `allowedKeys`: an unknown one is reported with
    /// the allowed ones (and the nearest, when one is close), and the object is still returned.
    package func object(_ node: Node?, _ what: String, allowedKeys: [String]) -> YAMLObject? {
        guard let object = object(node, what) else { return nil }
        checkKeys(object, allowed: allowedKeys)
        return object
    }

    /// Reports every key not in `allowed`, naming the allowed ones.
    package func checkKeys(_ object: YAMLObject, allowed: [String]) {
        for entry in object.entries where !allowed.contains(entry.key) {
            let suggestion = allowed.min { editDistance($0, entry.key) < editDistance($1, entry.key) }
            let hint = suggestion.map { editDistance($0, entry.key) <= 2 ? " (did you mean '\($0)'?)" : "" } ?? ""
            error(entry.keyNode, "unknown key '\(entry.key)' in \(object.what)\(hint); allowed: \(allowed.joined(separator: ", "))")
        }
    }

    package func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else {
            error(node, "\(what) must be a single value")
            return nil
        }
        return scalar.string
    }

    package func int(_ node: Node?, _ what: String) -> Int? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text) else {
            error(node, "\(what) must be a whole number, not '\(text)'")
            return nil
        }
        return value
    }

    /// A whole number within `range`: out of it, an error that names the range (and the `unit`,
    /// e.g. "seconds").
    package func int(_ node: Node?, _ what: String, in range: ClosedRange<Int>, unit: String? = nil) -> Int? {
        guard let value = int(node, what) else { return nil }
        guard range.contains(value) else {
            error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound)\(unit.map { " " + $0 } ?? ""), not \(value)")
            return nil
        }
        return value
    }

    /// A number of seconds within `range`; decimals are allowed (`2.5`).
    package func seconds(_ node: Node?, _ what: String, in range: ClosedRange<Double>) -> Double? {
        guard let text = string(node, what) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            func shown(_ bound: Double) -> String { bound == bound.rounded() ? String(Int(bound)) : String(bound) }
            error(node, "\(what) must be a number of seconds between \(shown(range.lowerBound)) and \(shown(range.upperBound)), not '\(text)'")
            return nil
        }
        return value
    }

    /// A one-byte character, such as a CSV delimiter or quote; with `tab`, also `tab` or `\t`.
    package func character(_ node: Node?, _ what: String, tab: Bool = false) -> UInt8? {
        guard let text = string(node, what) else { return nil }
        let value = tab && (text == "\\t" || text.lowercased() == "tab") ? "\t" : text
        guard value.utf8.count == 1 else {
            error(node, "\(what) must be one character\(tab ? " (or tab)" : ""), not '\(text)'")
            return nil
        }
        guard value != "\n" && value != "\r" else {
            error(node, "\(what) cannot be a line break (it ends the records)")
            return nil
        }
        return value.utf8.first
    }

    /// One character, of any script (a pad or a separator character).
    package func singleCharacter(_ node: Node?, _ what: String) -> Character? {
        guard let text = string(node, what) else { return nil }
        guard text.count == 1, let character = text.first else {
            error(node, "\(what) must be one character, not '\(text)'")
            return nil
        }
        return character
    }

    package func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let text = string(node, what) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(node, "\(what) must be true or false, not '\(text)'")
            return nil
        }
    }

    package func strings(_ node: Node?, _ what: String) -> [String]? {
        guard let node else { return nil }
        if case .scalar = node { return string(node, what).map { [$0] } }
        guard case .sequence(let sequence) = node else {
            error(node, "\(what) must be a list")
            return nil
        }
        return sequence.compactMap { string($0, what) }
    }

    /// The text of a key `object` must have; when it is missing, `missing` (what to write) is
    /// reported at `node`, the place of the object or list entry that lacks it.
    package func required(_ object: YAMLObject, _ key: String, _ what: String, at node: Node, else missing: String) -> String? {
        guard let value = object[key].flatMap({ string($0, what) }) else {
            error(node, missing)
            return nil
        }
        return value
    }

    /// One of `choices`, reported with the list when it is not.
    package func choice(_ node: Node?, _ what: String, _ choices: [String]) -> String? {
        guard let text = string(node, what) else { return nil }
        guard choices.contains(text) else {
            error(node, "\(what) must be one of \(choices.joined(separator: ", ")), not '\(text)'")
            return nil
        }
        return text
    }

    /// One of an enumeration's raw values, as the case; reported with the list when it is not.
    package func choice<Value: RawRepresentable & CaseIterable>(_ node: Node?, _ what: String, as type: Value.Type = Value.self) -> Value?
    where Value.RawValue == String {
        choice(node, what, Value.allCases.map(\.rawValue)).flatMap(Value.init(rawValue:))
    }
}

/// An ordered YAML mapping with the nodes of its keys, for precise error positions.
package struct YAMLObject {
    package struct Entry {
        package var key: String
        package var keyNode: Node
        package var value: Node
    }

    package let node: Node
    package let entries: [Entry]
    /// What this object is, for messages ("field 'upc'").
    package let what: String

    package subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }
    package func has(_ key: String) -> Bool { entries.contains { $0.key == key } }
}

extension Node {
    var line: Int? { mark?.line }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
