/// One CSV record: its fields and the physical line it starts on.
///
/// Fields are stored back to back as UTF-8 in one buffer, so a record costs two
/// allocations whatever its width; a field becomes a `String` only when asked for.
public struct CSVRecord: Sendable, Equatable {
    /// 1-based physical line on which the record starts (line breaks inside quoted fields count).
    public let line: Int
    @usableFromInline var bytes: [UInt8]
    @usableFromInline var ends: [Int]

    init(line: Int, bytes: [UInt8], ends: [Int]) {
        self.line = line
        self.bytes = bytes
        self.ends = ends
    }

    /// Creates a record from strings (for tests and for writing).
    public init(line: Int = 0, fields: [String]) {
        self.line = line
        bytes = []
        ends = []
        for field in fields {
            bytes.append(contentsOf: field.utf8)
            ends.append(bytes.count)
        }
    }

    /// Number of fields.
    public var count: Int { ends.count }

    /// The field at `index` (0-based), decoded from UTF-8.
    public subscript(index: Int) -> String {
        let range = byteRange(index)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// The field at `index`, or `nil` when the record is shorter.
    public func field(at index: Int) -> String? {
        index >= 0 && index < count ? self[index] : nil
    }

    /// All fields as strings.
    public var fields: [String] { (0..<count).map { self[$0] } }

    /// Calls `body` with the UTF-8 bytes of a field, without creating a `String`.
    public func withFieldBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = byteRange(index)
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Whether every field is empty.
    public var isBlank: Bool { bytes.isEmpty }

    @inline(__always)
    func byteRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    mutating func pad(to count: Int) {
        while ends.count < count { ends.append(bytes.count) }
    }

    mutating func truncate(to count: Int) {
        ends.removeLast(ends.count - count)
        bytes.removeLast(bytes.count - (ends.last ?? 0))
    }
}

/// The record a ``CSVReader`` is on, read in place from the reader's buffer.
///
/// It is valid only until the reader moves on (``CSVReader/advance()``); ``record`` copies it
/// into a ``CSVRecord`` to keep.
public struct CSVRecordView {
    /// 1-based physical line on which the record starts.
    public let line: Int
    private let bytes: UnsafePointer<UInt8>
    private let ends: UnsafePointer<Int>
    /// Number of fields.
    public let count: Int

    init(line: Int, bytes: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<Int>, count: Int) {
        self.line = line
        self.bytes = UnsafePointer(bytes)
        self.ends = UnsafePointer(ends)
        self.count = count
    }

    @inline(__always)
    func byteRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// The UTF-8 bytes of the field at `index` (0-based); valid while the view is.
    @inline(__always)
    public func bytes(at index: Int) -> UnsafeBufferPointer<UInt8> {
        let range = byteRange(index)
        return UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count)
    }

    /// The field at `index` (0-based), decoded from UTF-8.
    public subscript(index: Int) -> String { String(decoding: bytes(at: index), as: UTF8.self) }

    /// The field at `index`, or `nil` when the record is shorter.
    public func field(at index: Int) -> String? {
        index >= 0 && index < count ? self[index] : nil
    }

    /// All fields as strings.
    public var fields: [String] { (0..<count).map { self[$0] } }

    /// A copy of the record that outlives the reader's next move.
    public var record: CSVRecord {
        let byteCount = count == 0 ? 0 : ends[count - 1]
        return CSVRecord(
            line: line, bytes: Array(UnsafeBufferPointer(start: bytes, count: byteCount)),
            ends: Array(UnsafeBufferPointer(start: ends, count: count)))
    }
}
