extension Style {
    /// Rows of one style that give one of its style-level values (name, description, an
    /// attribute, a price, a color's name, a linesheet's dates) differently. JOOR holds one value
    /// per style, and which row's would reach it would depend on the order of the rows: a re-sorted
    /// export would change it back and forth.
    public struct Disagreement: Sendable, Equatable {
        /// What the value is: the field, or the field and its color or linesheet
        /// (`color_name of color RED`).
        public var what: String
        /// The mapping's field (`price.USD.wholesale`, `color_name`).
        public var field: String
        /// The row that disagrees, and what it gives.
        public var line: Int
        public var value: String
        /// The row that gave the value first, and what it gave.
        public var earlierLine: Int
        public var earlierValue: String
        /// What JOOR cannot hold, and what to do.
        public var remedy = "JOOR holds one per style, and which row's it got would depend on the order of the rows. Make the rows agree"

        /// Why `style` is not sent, for the rejects file.
        public func reason(style: String) -> String {
            "not sent: the rows of style \(style) give two values for \(what): '\(earlierValue)' on line \(earlierLine) and '\(value)' on line \(line). \(remedy)"
        }
    }
}
