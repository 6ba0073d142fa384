import FileFormats

extension YAMLReader {
    /// The `encoding:` of a format's options when it is one of `allowed`; another name is reported
    /// where it stands, with the list (and `why`, when the format can hold no other).
    func encoding(in object: YAMLObject, _ what: String, allowed: [TextEncoding] = TextEncoding.allCases, why: String = "") -> TextEncoding? {
        guard let node = object["encoding"], let name = string(node, what) else { return nil }
        if let encoding = TextEncoding(name: name), allowed.contains(encoding) { return encoding }
        error(node, "\(what) must be one of \(allowed.map(\.rawValue).joined(separator: ", ")), not '\(name)'\(why)")
        return nil
    }
}
