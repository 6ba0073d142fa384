import Foundation
import GRDB
import JoorModels
import Mapping

/// Groups a product file's rows into styles without holding the file's styles in memory.
///
/// Rows are admitted in file order (``StyleAssembler/admit(_:line:upcs:)``, against a UPC index
/// kept on disk) and spooled to a temporary SQLite file; styles are then built a page at a time,
/// in the order they first appear. The styles and the refused rows are those ``StyleAssembler``
/// gives in memory; memory stays at one page of styles and SQLite's small page cache, whatever
/// the size of the file. The file is removed when the spool goes away.
public final class StyleSpool {
    private let queue: DatabaseQueue
    private let path: String
    /// Styles admitted so far.
    public var styleCount: Int { positions.count }
    /// Each style's position (the order styles first appear in): names only, not the styles.
    private var positions = Numbering()
    /// The field names of the rows spooled, by the number a row's bytes name them with.
    private var fields = Numbering()
    private var filled = false

    private static let namePrefix = "joorbridge-styles-"

    /// A spool in `directory` (the system's temporary folder by default).
    public init(directory: String = NSTemporaryDirectory()) throws {
        path = (directory as NSString).appendingPathComponent("\(Self.namePrefix)\(UUID().uuidString).sqlite")
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Scratch data, rebuilt from the file on any failure: no journal, no fsync.
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8192; PRAGMA temp_store = FILE")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE sku_upc (style TEXT NOT NULL, color TEXT NOT NULL, size TEXT NOT NULL, upc TEXT NOT NULL,
                                          PRIMARY KEY (style, color, size)) WITHOUT ROWID;
                    CREATE TABLE upc_owner (upc TEXT PRIMARY KEY, owner TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE style (name TEXT PRIMARY KEY, position INTEGER NOT NULL UNIQUE) WITHOUT ROWID;
                    CREATE TABLE product_row (position INTEGER NOT NULL, seq INTEGER NOT NULL, line INTEGER NOT NULL, data BLOB NOT NULL,
                                              PRIMARY KEY (position, seq)) WITHOUT ROWID;
                    CREATE TABLE held (style TEXT PRIMARY KEY, first_line INTEGER NOT NULL, rows INTEGER NOT NULL) WITHOUT ROWID;
                    """)
        }
    }

    /// Removes the spools a run that was killed left in `directory`; call it only where no other
    /// process can be using one (a real run's own folder, under its lock).
    /// - Returns: how many were removed.
    @discardableResult
    public static func removeLeftovers(in directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            name.hasPrefix(namePrefix) && (try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))) != nil
        }.count
    }

    deinit {
        try? queue.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Admits rows in file order: `body` hands each row to the writer it gets, inside one
    /// transaction. A spool is filled once; after a failure it is thrown away (there is no journal
    /// to roll back with).
    public func fill(_ body: (inout Writer) throws -> Void) throws {
        precondition(!filled, "a StyleSpool is filled once")
        filled = true
        try queue.inTransaction { db in
            var writer = try Writer(db: db)
            try body(&writer)
            if let failure = writer.failure { throw failure }
            positions = writer.positions
            fields = writer.fields
            return .commit
        }
    }

    /// The styles in the order they first appeared, `count` at a time from position `from`.
    public func styles(from: Int, count: Int) throws -> [Style] {
        try queue.read { db in
            var styles: [Style] = []
            var assembler = StyleAssembler()
            var current: (position: Int, name: String)?
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT product_row.position, style.name, product_row.line, product_row.data FROM product_row JOIN style USING (position)
                    WHERE product_row.position >= ? AND product_row.position < ? ORDER BY product_row.position, product_row.seq
                    """, arguments: [from, from + count])
            while let row = try rows.next() {
                let position: Int = row[0]
                if let current, current.position != position {
                    styles += assembler.build()
                    assembler = StyleAssembler()
                }
                let name: String = row[1]
                current = (position, name)
                assembler.merge(Self.decode(row[3], fieldNames: fields.names), identifier: name, line: row[2])
            }
            return styles + assembler.build()
        }
    }

    /// Whether rows of `style` were refused, and so the style is held back (``Writer/hold(for:)``):
    /// how many, and the first one's line.
    public func refusedRows(of style: String) throws -> (firstLine: Int, rows: Int)? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT first_line, rows FROM held WHERE style = ?", arguments: [Writer.key(style)]).map { ($0[0], $0[1]) }
        }
    }

    /// Admits rows, one transaction's worth; also the UPC index the checks read.
    public struct Writer: UPCIndex {
        fileprivate var positions = Numbering()
        private var seq = 0
        /// The field names of the rows, numbered as rows are encoded.
        fileprivate var fields = Numbering()
        /// The first database error: the index answers "nothing known" after it, and ``fill(_:)`` throws it.
        fileprivate var failure: (any Error)?
        private let insertStyle, insertRow, selectUPC, selectOwner, insertUPC, insertOwner, insertHeld: Statement

        fileprivate init(db: Database) throws {
            insertStyle = try db.makeStatement(sql: "INSERT INTO style (name, position) VALUES (?, ?)")
            insertRow = try db.makeStatement(sql: "INSERT INTO product_row (position, seq, line, data) VALUES (?, ?, ?, ?)")
            selectUPC = try db.makeStatement(sql: "SELECT upc FROM sku_upc WHERE style = ? AND color = ? AND size = ?")
            selectOwner = try db.makeStatement(sql: "SELECT owner FROM upc_owner WHERE upc = ?")
            insertUPC = try db.makeStatement(sql: "INSERT INTO sku_upc (style, color, size, upc) VALUES (?, ?, ?, ?)")
            insertOwner = try db.makeStatement(sql: "INSERT INTO upc_owner (upc, owner) VALUES (?, ?)")
            insertHeld = try db.makeStatement(
                sql: "INSERT INTO held (style, first_line, rows) VALUES (?, ?, 1) ON CONFLICT (style) DO UPDATE SET rows = rows + 1")
        }

        /// Holds back the style a refused row belongs to, when the row names one: the style is
        /// sent whole or not at all. Sent without the row, it could lose the row's color or size
        /// in JOOR (whose v2 upsert may replace the style); it goes when a file has no refused row
        /// of it. A row that names no style holds nothing back.
        public mutating func hold(for rejection: RowRejection) {
            guard let style = StyleAssembler.style(of: rejection.converted) else { return }
            let insertHeld = insertHeld
            attempt { try insertHeld.execute(arguments: [Self.key(style), rejection.line]) }
        }

        /// Admits one row (as ``StyleAssembler/add(_:line:)`` would) and spools it.
        public mutating func admit(_ row: [String: String], line: Int) throws(StyleAssembler.Conflict) {
            let name = try StyleAssembler.admit(row, line: line, upcs: &self)
            seq += 1
            let (position, isNew) = positions.number(name)
            if isNew {
                let insertStyle = insertStyle
                attempt { try insertStyle.execute(arguments: [name, position]) }
            }
            let (insertRow, seq, data) = (insertRow, seq, encode(row))
            attempt { try insertRow.execute(arguments: [position, seq, line, data]) }
        }

        /// A row as bytes: per field, its number and the value's length (each a LEB128 varint),
        /// then the value in UTF-8. A third of the size of names and values spelled out, which is
        /// what the spool's disk traffic (and so its time) goes with.
        private mutating func encode(_ row: [String: String]) -> Data {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(160)
            func varint(_ value: Int) {
                var rest = UInt(value)
                while rest >= 0x80 {
                    bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
                    rest >>= 7
                }
                bytes.append(UInt8(rest))
            }
            for (name, value) in row {
                varint(fields.number(name).number)
                varint(value.utf8.count)
                bytes += value.utf8
            }
            return Data(bytes)
        }

        /// Admits a converted record (``admit(_:line:)``); a refused one holds back its style
        /// (``hold(for:)``) and comes back as the rejection of its row in `source`, naming the
        /// field and its value.
        public mutating func admit(_ record: ConvertedRecord, source: String) -> RowRejection? {
            let row = record.productRow
            do throws(StyleAssembler.Conflict) {
                try admit(row, line: record.line)
                return nil
            } catch {
                let rejection = RowRejection(
                    source: source, line: error.line, field: error.field, value: record.text(error.field), reason: error.message, converted: row)
                hold(for: rejection)
                return rejection
            }
        }

        public mutating func upc(style: String, color: String, size: String) -> String? {
            let selectUPC = selectUPC
            return attempt { try String.fetchOne(selectUPC, arguments: [Self.key(style), Self.key(color), Self.key(size)]) } ?? nil
        }

        public mutating func owner(of upc: String) -> String? {
            let selectOwner = selectOwner
            return attempt { try String.fetchOne(selectOwner, arguments: [Self.key(upc)]) } ?? nil
        }

        public mutating func assign(_ upc: String, style: String, color: String, size: String) {
            let (insertUPC, insertOwner) = (insertUPC, insertOwner)
            attempt {
                try insertUPC.execute(arguments: [Self.key(style), Self.key(color), Self.key(size), upc])
                try insertOwner.execute(arguments: [Self.key(upc), Self.ownerName(style: style, color: color, size: size)])
            }
        }

        /// Text as SQLite compares it, the way Swift compares it: canonically composed (a name
        /// typed with a combining accent is the same name).
        fileprivate static func key(_ text: String) -> String {
            text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        }

        @discardableResult
        private mutating func attempt<T>(_ body: () throws -> T) -> T? {
            guard failure == nil else { return nil }
            do { return try body() } catch {
                failure = error
                return nil
            }
        }
    }

    /// A row from the bytes ``Writer`` made of it.
    static func decode(_ data: Data, fieldNames: [String]) -> [String: String] {
        var row: [String: String] = [:]
        data.withUnsafeBytes { bytes in
            var index = 0
            func varint() -> Int {
                var value = 0
                var shift = 0
                while true {
                    let byte = bytes[index]
                    index += 1
                    value |= Int(byte & 0x7F) << shift
                    if byte < 0x80 { return value }
                    shift += 7
                }
            }
            while index < bytes.count {
                let name = fieldNames[varint()]
                let length = varint()
                precondition(index + length <= bytes.count, "a spooled row is cut short")
                row[name] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)]), as: UTF8.self)
                index += length
            }
        }
        return row
    }
}

/// Numbers names in the order they are first seen.
struct Numbering {
    /// The names, by number.
    private(set) var names: [String] = []
    private var numbers: [String: Int] = [:]

    var count: Int { names.count }

    /// The name's number, and whether this is the name's first appearance.
    mutating func number(_ name: String) -> (number: Int, isNew: Bool) {
        if let known = numbers[name] { return (known, false) }
        numbers[name] = names.count
        names.append(name)
        return (names.count - 1, true)
    }
}
