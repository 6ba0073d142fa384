/// Which UPC each style, color and size has, and which style, color and size each UPC belongs
/// to: what ``StyleAssembler/admit(_:line:upcs:)`` checks a product row's UPC against.
public protocol UPCIndex {
    /// The UPC `style` already has for `color` and `size`.
    mutating func upc(style: String, color: String, size: String) -> String?
    /// What already uses `upc`, for the message (`style X color Y size Z`).
    mutating func owner(of upc: String) -> String?
    /// Records that `style`'s `color` and `size` have `upc`.
    mutating func assign(_ upc: String, style: String, color: String, size: String)
}

extension UPCIndex {
    /// How an owner is named in messages.
    public static func ownerName(style: String, color: String, size: String) -> String {
        "style \(style) color \(color) size \(size)"
    }
}

/// The UPC index in memory: enough for one file of ordinary size, or one style at a time.
public struct MemoryUPCIndex: UPCIndex, Sendable {
    private var bySKU: [SKU: String] = [:]
    private var owners: [String: String] = [:]

    private struct SKU: Hashable, Sendable {
        var style: String
        var color: String
        var size: String
    }

    public init() {}

    public func upc(style: String, color: String, size: String) -> String? { bySKU[SKU(style: style, color: color, size: size)] }

    public func owner(of upc: String) -> String? { owners[upc] }

    public mutating func assign(_ upc: String, style: String, color: String, size: String) {
        bySKU[SKU(style: style, color: color, size: size)] = upc
        owners[upc] = Self.ownerName(style: style, color: color, size: size)
    }
}
