import FileFormats
import Foundation
import JoorModels

/// Renders a JOOR orders response into the files the WMS would receive, in memory.
public struct OutboundPreview {
    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]
    }

    public let renderer: OrderRenderer

    public init(mapping: OutboundMapping, context: RenderContext) {
        renderer = OrderRenderer(mapping: mapping, context: context)
    }

    /// The files, and the orders that could not be mapped.
    public func run(orders: [JoorOrder]) throws(FileFormatError) -> (files: [File], rejected: [OrderRejection]) {
        var files: [File] = []
        var rejected: [OrderRejection] = []
        var rendered: [(JoorOrder, RenderedOrder)] = []
        for order in orders {
            switch renderer.render(order) {
            case .success(let result): rendered.append((order, result))
            case .failure(let rejection): rejected.append(rejection)
            }
        }
        func file(_ name: String, _ part: OrderFileWriter.Part, _ batch: [RenderedOrder]) throws(FileFormatError) {
            let sink = MemoryByteSink(name: name)
            try OrderFileWriter.write(batch, renderer: renderer, part: part, to: sink)
            files.append(File(name: name, bytes: sink.bytes))
        }
        switch renderer.mapping.per {
        case .order:
            for (order, result) in rendered {
                try file(renderer.fileName(for: order), .main, [result])
                if let detail = renderer.detailFileName(for: order) { try file(detail, .detail, [result]) }
            }
        case .run:
            guard !rendered.isEmpty else { break }
            try file(renderer.fileName(for: nil), .main, rendered.map(\.1))
            if let detail = renderer.detailFileName(for: nil) { try file(detail, .detail, rendered.map(\.1)) }
        }
        return (files, rejected)
    }
}
