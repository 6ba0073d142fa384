/// Reads a fixed-width file one line at a time, cutting each line into the fields of its record
/// type.
///
/// Memory stays bounded by the chunk size and the longest line. Lines are cut on the file's own
/// bytes before decoding, so positions are byte positions whatever the encoding; each field is
/// then decoded on its own. A line that does not fit (unknown record type, too short, bytes not
/// valid in the encoding) is a recoverable error naming the line: call ``next()`` again to go on.
///
/// ```swift
/// let reader = FixedWidthReader(source: try FileByteSource(path: "STOCK.DAT"), options: options)
/// while true {
///     do {
///         guard let record = try reader.next() else { break }
///         print(record.line, record.values)
///     } catch where error.isRecoverable {
///         print("rejected:", error)
///     }
/// }
/// ```
public final class FixedWidthReader {
    public let options: FixedWidthReadOptions
    /// Name of the input for error messages (usually its path).
    public var sourceName: String { source.name }
    /// Lines handed out or rejected so far, blank and skipped ones included.
    public private(set) var line = 0
    /// When ``next()`` threw a recoverable error for a line of a known record type (cut short, or
    /// a field the encoding cannot read): what can be read of that line, each field decoded with
    /// the bytes it cannot read replaced (U+FFFD) and what lies past the end empty, so that a
    /// caller can tell whose line it was. Nil after any other outcome.
    public private(set) var salvaged: FixedWidthRecord?

    private let source: ByteSource
    private var chunk: UnsafeMutableRawBufferPointer
    private var chunkLength = 0
    private var chunkPosition = 0
    private var current: [UInt8] = []
    private var overlong = false
    private var finished = false
    private var atStart = true
    private let typeIndex: [String: Int]
    /// Lines since the start or the last trailer: detail lines, and all that are not blank.
    private var detailsSinceTrailer = 0
    private var linesSinceTrailer = 0
    private let hasTrailer: Bool
    private var sawTrailer = false

    public init(source: ByteSource, options: FixedWidthReadOptions) throws(FileFormatError) {
        try options.encoding.require(
            FixedWidthReadOptions.encodings, for: "a fixed-width file", path: source.name, why: " (UTF-16 has no fixed byte positions)")
        guard !options.records.isEmpty, options.typeSlice != nil || options.records.count == 1 else {
            throw FileFormatError(
                .invalidOptions, path: source.name,
                message: "a fixed-width layout needs one record layout, or a record type position and a layout per type")
        }
        self.source = source
        self.options = options
        chunk = .allocate(byteCount: max(options.chunkSize, 16), alignment: 16)
        var index: [String: Int] = [:]
        for (i, record) in options.records.enumerated() { if let type = record.type { index[type] = i } }
        typeIndex = index
        hasTrailer = options.records.contains { $0.role == .trailer }
        current.reserveCapacity(512)
    }

    deinit { chunk.deallocate() }

    /// The next detail, header or trailer record (skip records and blank lines are passed over),
    /// or `nil` at the end of the file.
    ///
    /// With a trailer record type in the layout, a file must end with a trailer, and a trailer
    /// with a count must match the lines before it; otherwise the file is refused (a fatal error).
    public func next() throws(FileFormatError) -> FixedWidthRecord? {
        salvaged = nil
        while let bytes = try nextLine() {
            if let record = try cut(bytes) { return record }
        }
        if hasTrailer && (linesSinceTrailer > 0 || !sawTrailer) {
            let types = options.records.filter { $0.role == .trailer }.compactMap(\.type).map { "'\($0)'" }.joined(separator: ", ")
            throw FileFormatError(
                .malformedLine, path: source.name, line: line,
                message: "the file ends without its trailer record (\(types)): it may be cut short or still being written; it is not used")
        }
        return nil
    }

    // MARK: Lines

    /// The next physical line without its line break, or `nil` at the end.
    private func nextLine() throws(FileFormatError) -> ArraySlice<UInt8>? {
        current.removeAll(keepingCapacity: true)
        overlong = false
        while true {
            if chunkPosition == chunkLength {
                if finished { return try endOfInput() }
                chunkLength = try source.read(into: chunk)
                chunkPosition = 0
                if chunkLength == 0 {
                    finished = true
                    return try endOfInput()
                }
            }
            let start = chunkPosition
            var end = start
            while end < chunkLength, chunk[end] != 0x0A { end += 1 }
            append(start..<end)
            chunkPosition = end
            if end < chunkLength {
                chunkPosition += 1  // the LF
                line += 1
                return try finishLine()
            }
        }
    }

    /// The last line, when the file does not end with a line break.
    private func endOfInput() throws(FileFormatError) -> ArraySlice<UInt8>? {
        guard !current.isEmpty || overlong else { return nil }
        line += 1
        let last = try finishLine()
        current.removeAll()  // nothing is handed out twice
        overlong = false
        return last
    }

    private func append(_ range: Range<Int>) {
        guard !overlong else { return }
        if current.count + range.count > options.maxLineBytes {
            overlong = true
            return
        }
        current.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[range]))
    }

    private func finishLine() throws(FileFormatError) -> ArraySlice<UInt8>? {
        if overlong {
            throw FileFormatError(
                .limitExceeded, path: source.name, line: line,
                message: "the line is longer than \(options.maxLineBytes) bytes; is this a fixed-width file with line breaks?", isRecoverable: true)
        }
        var bytes = current[...]
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        if atStart {
            atStart = false
            if options.encoding == .utf8 || options.encoding == .utf8BOM, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        return bytes
    }

    // MARK: Records

    private func cut(_ bytes: ArraySlice<UInt8>) throws(FileFormatError) -> FixedWidthRecord? {
        if line <= options.skipLines { return nil }
        // Blank lines, and the Ctrl-Z some DOS programs end files with, carry nothing.
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x1A }) { return nil }
        linesSinceTrailer += 1
        let index: Int
        if let slice = options.typeSlice {
            let type = try decode(bytes, slice, field: "record type").trimmingSpaces()
            guard let found = typeIndex[type] else {
                detailsSinceTrailer += 1  // a detail line, most likely, and one the trailer counts
                let known = options.records.compactMap(\.type).map { "'\($0)'" }.joined(separator: ", ")
                throw FileFormatError(
                    .malformedLine, path: source.name, line: line, column: slice.start + 1, field: "record type",
                    message: "record type '\(type)' (columns \(slice.start + 1)–\(slice.end)) is not one of \(known)", isRecoverable: true)
            }
            index = found
        } else {
            index = 0
        }
        let record = options.records[index]
        switch record.role {
        case .skip: return nil
        case .detail: detailsSinceTrailer += 1
        case .header: break
        case .trailer: break
        }
        do throws(FileFormatError) {
            return try read(bytes, as: record, index: index)
        } catch {
            if error.isRecoverable {
                salvaged = FixedWidthRecord(
                    line: line, recordIndex: index, values: record.fields.map { field in (try? value(of: field, in: bytes, lossy: true)) ?? "" })
            }
            throw error
        }
    }

    /// The record of a line whose type is known.
    private func read(_ bytes: ArraySlice<UInt8>, as record: FixedWidthReadOptions.Record, index: Int) throws(FileFormatError) -> FixedWidthRecord {
        if bytes.count < record.length, options.shortLines == .reject {
            let cut = record.fields.first { $0.slice.end > bytes.count }!
            throw FileFormatError(
                .malformedLine, path: source.name, line: line, column: bytes.count + 1, field: cut.name,
                message:
                    "the line is \(bytes.count) bytes long but \(record.type.map { "record type '\($0)'" } ?? "the layout") needs \(record.length); field '\(cut.name)' (columns \(cut.slice.start + 1)–\(cut.slice.end)) is cut (if the file's trailing spaces are stripped, say short_lines: pad)",
                isRecoverable: true)
        }
        var values: [String] = []
        values.reserveCapacity(record.fields.count)
        for field in record.fields { values.append(try value(of: field, in: bytes)) }
        if record.role == .trailer {
            if let count = record.count, let position = record.fields.firstIndex(where: { $0.name == count.field }) {
                try check(count, values[position].trimmingSpaces(), slice: record.fields[position].slice)
            }
            sawTrailer = true
            detailsSinceTrailer = 0
            linesSinceTrailer = 0
        }
        return FixedWidthRecord(line: line, recordIndex: index, values: values)
    }

    /// A trailer's count against the lines read since the start or the previous trailer.
    private func check(_ count: FixedWidthCount, _ text: String, slice: FixedWidthReadOptions.Slice) throws(FileFormatError) {
        let actual = count.scope == .details ? detailsSinceTrailer : linesSinceTrailer
        let what = count.scope == .details ? "detail records" : "lines"
        guard !text.isEmpty, text.allSatisfy(\.isASCII), let stated = Int(text) else {
            throw FileFormatError(
                .malformedLine, path: source.name, line: line, column: slice.start + 1, field: count.field,
                message: "the trailer's count '\(text)' is not a number; the file is not used")
        }
        guard stated == actual else {
            throw FileFormatError(
                .malformedLine, path: source.name, line: line, column: slice.start + 1, field: count.field,
                message: "the trailer says \(stated) \(what) but the file has \(actual) before it: it is cut short or was changed; it is not used")
        }
    }

    /// A field's value in the line: trimmed, or padded to its width with spaces.
    private func value(
        of field: (name: String, slice: FixedWidthReadOptions.Slice), in bytes: ArraySlice<UInt8>, lossy: Bool = false
    ) throws(FileFormatError) -> String {
        let value = try decode(bytes, field.slice, field: field.name, lossy: lossy)
        return options.trim
            ? value.trimmingSpaces() : value + String(repeating: " ", count: max(0, field.slice.end - max(bytes.count, field.slice.start)))
    }

    /// The text of `slice` in the line (what the line lacks of it is left out); `lossy`, or the
    /// options' `replaceInvalidBytes`, replaces the bytes the encoding cannot read.
    private func decode(
        _ bytes: ArraySlice<UInt8>, _ slice: FixedWidthReadOptions.Slice, field: String, lossy: Bool = false
    ) throws(FileFormatError) -> String {
        let replace = lossy || options.replaceInvalidBytes
        let lower = bytes.startIndex + min(slice.start, bytes.count)
        let upper = bytes.startIndex + min(slice.end, bytes.count)
        let part = bytes[lower..<upper]
        switch options.encoding {
        case .windows1252, .isoLatin1:
            if part.allSatisfy({ $0 < 0x80 }) { return String(decoding: part, as: UTF8.self) }
            var scalars = String.UnicodeScalarView()
            for (offset, byte) in part.enumerated() {
                var value = UInt32(byte)
                if options.encoding == .windows1252, (0x80..<0xA0).contains(byte) {
                    value = UInt32(UTF8Transcoder.windows1252High[Int(byte - 0x80)])
                    if value == 0 {
                        guard replace else {
                            throw FileFormatError(
                                .invalidEncoding, path: source.name, line: line, column: slice.start + offset + 1, field: field,
                                message: "byte 0x\(String(byte, radix: 16, uppercase: true)) is not defined in windows-1252", isRecoverable: true)
                        }
                        value = 0xFFFD
                    }
                }
                scalars.append(Unicode.Scalar(value)!)
            }
            return String(scalars)
        default:
            func isContinuation(_ i: Int) -> Bool { i < bytes.endIndex && bytes[i] & 0xC0 == 0x80 }
            if isContinuation(lower) || (upper > lower && isContinuation(upper)) {
                guard replace else {
                    throw FileFormatError(
                        .malformedLine, path: source.name, line: line, column: slice.start + 1, field: field,
                        message:
                            "field '\(field)' (columns \(slice.start + 1)–\(slice.end)) cuts a UTF-8 character in half; fixed-width positions count bytes",
                        isRecoverable: true)
                }
            }
            if let text = String(validating: part, as: UTF8.self) { return text }
            guard replace else {
                throw FileFormatError(
                    .invalidEncoding, path: source.name, line: line, column: slice.start + 1, field: field,
                    message: "field '\(field)' (columns \(slice.start + 1)–\(slice.end)) is not valid UTF-8; check the mapping's encoding",
                    isRecoverable: true)
            }
            return String(decoding: part, as: UTF8.self)
        }
    }
}

extension String {
    /// Without the spaces and tabs around it (fixed-width padding).
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}
