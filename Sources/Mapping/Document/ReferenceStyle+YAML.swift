import Yams

extension ReferenceStyle {
    /// The field reference written at `node` (`from:`); one that does not parse is reported
    /// there, with what is wrong.
    func parse(_ node: Node?, _ what: String, reporting reader: YAMLReader) -> SourceRef? {
        guard let node, let text = reader.string(node, what) else { return nil }
        return parse(text, at: node, reporting: reader)
    }

    /// `text`, a field reference read at `node`; one that does not parse is reported there.
    func parse(_ text: String, at node: Node, reporting reader: YAMLReader) -> SourceRef? {
        do { return try parse(text) } catch {
            reader.error(node, error.message)
            return nil
        }
    }
}
