import Foundation

extension JSONEncoder {
    /// The encoder for everything joorbridge sends or stores: sorted keys, so the same value
    /// always gives the same bytes (request bodies, content hashes, the ledger).
    public static func canonical(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
