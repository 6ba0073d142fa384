import FileFormats
import Foundation
import JoorModels

extension OrdersPage {
    /// Parses an orders response in JSON or XML (chosen by the first non-blank byte); see
    /// ``OrdersPage/parseJSON(_:sourceName:)`` for the JSON envelopes accepted.
    public static func parse(_ data: Data, sourceName: String = "JOOR response") throws(JoorResponseError) -> OrdersPage {
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        return first == UInt8(ascii: "<") ? try parseXML(data, sourceName: sourceName) : try parseJSON(data, sourceName: sourceName)
    }

    static func parseXML(_ data: Data, sourceName: String) throws(JoorResponseError) -> OrdersPage {
        var page = OrdersPage(orders: [])
        var response: XElement?
        do throws(FileFormatError) {
            let envelope = try XMLReader(source: MemoryByteSource(Array(data), name: sourceName), options: .init(recordPath: "//response"))
            response = try envelope.next()?.element
            let reader = try XMLReader(source: MemoryByteSource(Array(data), name: sourceName), options: .init(recordPath: "//order"))
            while let record = try reader.next() { page.orders.append(JoorOrder(xml: record.element)) }
        } catch {
            throw JoorResponseError(error.description)
        }
        if let response {
            page.response = try OrdersResponse(from: sourceName) { name in
                response.children(named: name).first?.text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return page
    }
}

extension JoorOrder {
    /// Builds an order from its XML element: simple children are fields, lists are wrapped.
    init(xml order: XElement) {
        var fields: [String: String] = [:]
        var lines: [JoorLineItem] = []
        var doors: [[String: String]] = []
        var divisions: [[String: String]] = []
        func simple(_ element: XElement) -> [String: String] {
            var result: [String: String] = [:]
            for child in element.children where child.children.isEmpty { result[child.name] = child.text }
            return result
        }
        for child in order.children {
            switch child.name {
            case "line_items":
                lines = child.children.map { line in
                    let tags = line.children(named: "style_tags").flatMap(\.children).map(simple)
                    // An empty list (`<style_tags/>`) has no children either: it is not a field.
                    return JoorLineItem(fields: simple(line).filter { $0.key != "style_tags" }, styleTags: tags)
                }
            case "order_doors": doors = child.children.map(simple)
            case "order_divisions": divisions = child.children.map(simple)
            default: if child.children.isEmpty { fields[child.name] = child.text }
            }
        }
        self.init(fields: fields, lineItems: lines, doors: doors, divisions: divisions)
    }
}
