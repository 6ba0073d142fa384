import FileFormats
import Foundation
import JoorModels

/// JOOR's XML form of a v2 answer, for a client that asks for it (`Accept: application/xml`) or
/// a sandbox told to answer XML whatever is asked (``Answers/ordersAsXML``). The shape is that of
/// `joor-examples/v2-orders-list-response.xml`: each key an element, each item of a list an
/// element named for the list in the singular (`orders` → `order`, `line_items` → `line_item`).
enum SandboxXML {
    /// The document for an answer whose body is an object with one root key (`{"orders": …}`).
    static func document(_ body: JSONValue) throws(FileFormatError) -> [UInt8] {
        let sink = MemoryByteSink(name: "sandbox answer")
        let writer = try XMLWriter(sink: sink)
        try writer.startDocument()
        guard case .object(let root) = body, root.count == 1, let (name, value) = root.first else {
            throw FileFormatError(.io, path: sink.name, message: "an XML answer needs one root element")
        }
        try write(name, value, to: writer)
        try writer.endDocument()
        return sink.bytes
    }

    private static func write(_ name: String, _ value: JSONValue, to writer: XMLWriter) throws(FileFormatError) {
        switch value {
        case .null: try writer.element(name, text: "")
        case .bool(let flag): try writer.element(name, text: flag ? "true" : "false")
        case .number(let number): try writer.element(name, text: "\(number)")
        case .string(let text): try writer.element(name, text: text)
        case .array(let items):
            try writer.startElement(name)
            let item = name.hasSuffix("s") ? String(name.dropLast()) : name + "_item"
            for value in items { try write(item, value, to: writer) }
            try writer.endElement()
        case .object(let fields):
            try writer.startElement(name)
            // JOOR's own order first (the envelope before the list); fields by name.
            for key in fields.keys.sorted(by: { ($0 == "response" ? 0 : 1, $0) < ($1 == "response" ? 0 : 1, $1) }) {
                try write(key, fields[key]!, to: writer)
            }
            try writer.endElement()
        }
    }

    /// Whether a request's `Accept` header asks for XML rather than JSON (the first of the two it names).
    static func isWanted(accept: String?) -> Bool {
        guard let accept = accept?.lowercased(), let xml = accept.range(of: "xml") else { return false }
        guard let json = accept.range(of: "json") else { return true }
        return xml.lowerBound < json.lowerBound
    }
}
