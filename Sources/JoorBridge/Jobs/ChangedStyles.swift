import JoorModels
import Mapping

extension ProductsJob {
    /// The styles to send, a batch at a time from the spool: those whose content changed since
    /// JOOR last accepted them (all with `full`). A style is held back, not sent, when a row of
    /// it was refused (``StyleSpool/Writer/hold(for:)``), when its rows disagree on one of its values
    /// (``JoorModels/Style/disagreement``), when no row gives its name, or when its
    /// `delivery_overwrite` would take it off every linesheet (``JoorModels/Style/linesheetHazard``).
    struct ChangedStyles {
        /// What to send next, and the styles held back since the last batch.
        struct Batch {
            var styles: [Style] = []
            /// Per style held back, its line in the rejects file.
            var held: [(style: String, line: RowRejection)] = []
        }

        let spool: StyleSpool
        /// The hashes JOOR last accepted for some styles (``Ledger/styleHashes(of:)``), asked a page at a time.
        let known: ([String]) throws -> [String: String]
        let full: Bool
        let batchSize: Int
        /// The file the rows came from, for the held-back styles' lines.
        let source: String
        /// The API the styles go to. v4 names a SKU's color by its name, so a style with a color
        /// no row names is held back; v2 prices only the style, so a style whose rows price its
        /// SKUs differently is held back.
        var api = BridgeConfig.ProductsAPI.v2
        private var position = 0
        /// Styles left out because JOOR holds them as they are.
        private(set) var unchanged = 0

        init(spool: StyleSpool, known: @escaping ([String]) throws -> [String: String], full: Bool, batchSize: Int, source: String) {
            self.spool = spool
            self.known = known
            self.full = full
            self.batchSize = batchSize
            self.source = source
        }

        /// The next batch, or nil when every style has been through. A batch may hold no style
        /// to send when all of a page was held back.
        mutating func next() throws -> Batch? {
            var batch = Batch()
            // Held styles count towards a batch too: memory stays with one page of them.
            while batch.styles.count + batch.held.count < batchSize && position < spool.styleCount {
                let count = batchSize - batch.styles.count - batch.held.count
                let page = try spool.styles(from: position, count: count)
                position += count
                let hashes = full ? [:] : try known(page.map(\.styleIdentifier))
                for style in page {
                    if let held = try heldBack(style) {
                        batch.held.append((style.styleIdentifier, held))
                    } else if hashes[style.styleIdentifier] == style.contentHash {
                        unchanged += 1
                    } else {
                        batch.styles.append(style)
                    }
                }
            }
            return batch.styles.isEmpty && batch.held.isEmpty ? nil : batch
        }

        /// Why the style is not sent, as its line in the rejects file (naming the row that
        /// disagrees, when two rows do), or nil.
        private func heldBack(_ style: Style) throws -> RowRejection? {
            if let disagreement = style.disagreement ?? (api == .v4 ? nil : style.priceDisagreement) {
                return RowRejection(
                    source: source, line: disagreement.line, field: disagreement.field, value: disagreement.value,
                    reason: disagreement.reason(style: style.styleIdentifier))
            }
            return try reason(toHold: style).map {
                RowRejection(source: source, line: 0, field: "style_number", value: style.styleIdentifier, reason: $0)
            }
        }

        /// Why the style is not sent, or nil.
        private func reason(toHold style: Style) throws -> String? {
            // By its number too: a row whose style_identifier rule failed names only its number.
            let refusedRows = try spool.refusedRows(of: style.styleIdentifier)
            let refused = try refusedRows ?? (style.styleNumber == style.styleIdentifier ? nil : spool.refusedRows(of: style.styleNumber))
            if let refused {
                let rows =
                    refused.rows == 1
                    ? "its row on line \(refused.firstLine) was rejected, and a style goes whole or not at all (sent without that row, JOOR could lose its color or size)"
                    : "\(refused.rows) of its rows (the first on line \(refused.firstLine)) were rejected, and a style goes whole or not at all (sent without those rows, JOOR could lose their colors and sizes)"
                return "not sent: \(rows); it goes with a file whose rows of it are all good"
            }
            if style.styleName.isEmpty {
                return
                    "not sent: no row of it gives a style_name, which JOOR requires; its style number is not sent in its place, as it would replace the style's name in JOOR. Map style_name, or fill it in a row of the style"
            }
            if api == .v4, let sku = style.unpricedSKU {
                return
                    "not sent: its rows price its colors or sizes differently, and no row gives the price of \(sku), which goes to JOOR with the rest of the color × size set (at the first row's price, it would depend on the order of the rows). Add a row for it, or make the prices agree"
            }
            if api == .v4, let color = style.colors.first(where: { ($0.name ?? "").isEmpty }) {
                return
                    "not sent: no row of it gives the name of color \(color.code), and JOOR's v4 API names a SKU's color by its name (its code in its place would rename the color in JOOR). Fill color_name in a row of that color"
            }
            return style.linesheetHazard.map { "not sent: \($0)" }
        }
    }
}
