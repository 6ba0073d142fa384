extension Style {
    /// One SKU's price of one price type, where rows of the style priced it differently from the
    /// style's own (``Style/prices``). Never sent as it is (v4 sends each SKU's whole price);
    /// encoded only into the style's ``Style/contentHash``.
    public struct SKUPrice: Sendable, Equatable, Codable {
        public var colorCode: String
        public var sizeName: String
        /// The price type, with only the wholesale or retail price that differs.
        public var price: Price
    }

    /// The price of type `price` for one SKU: the SKU's own parts (``skuPrices``), the style's
    /// for the rest.
    public func price(_ price: Price, color: String, size: String) -> Price {
        guard let own = skuPrices.first(where: { $0.colorCode == color && $0.sizeName == size && $0.price.label == price.label }) else {
            return price
        }
        var price = price
        price.wholesale = own.price.wholesale ?? price.wholesale
        price.retail = own.price.retail ?? price.retail
        return price
    }
}
