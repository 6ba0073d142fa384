internal import CLibCSV

/// Reads CSV records one at a time from a stream, over libcsv's push parser.
///
/// The file is read in fixed-size chunks, converted to UTF-8, cut at line breaks and handed to
/// libcsv; memory stays bounded by the chunk size and the largest record, whatever the file size.
///
/// ```swift
/// let reader = try CSVReader(path: "stock.csv", options: .init(delimiter: ";", encoding: .windows1252))
/// while true {
///     do {
///         guard let record = try reader.next() else { break }
///         print(record.line, record.fields)
///     } catch where error.isRecoverable {
///         print("rejected:", error)      // one bad row; the rest of the file goes on
///     }
/// }
/// ```
public final class CSVReader {
    /// The header names, when ``CSVReadOptions/hasHeader`` is set and the file is not empty.
    public private(set) var header: [String]?
    /// The options this reader was created with.
    public let options: CSVReadOptions
    /// Name of the input for error messages (usually its path).
    public var sourceName: String { source.name }

    private let source: ByteSource
    private let state = ParseState()
    private var parser = csv_parser()
    private var transcoder: UTF8Transcoder
    private var chunk: UnsafeMutableRawBufferPointer
    private var decoded: [UInt8] = []
    private var finished = false
    private var expectedFieldCount: Int?

    // Line tracking: the parser is fed one physical line (or part of one) at a time.
    private var line = 1
    private var atLineStart = true
    private var lastWasCR = false
    private var skippingRestOfLine = false

    /// Opens `path` and reads the header, if the options say there is one.
    public convenience init(path: String, options: CSVReadOptions = .init()) throws(FileFormatError) {
        try self.init(source: FileByteSource(path: path), options: options)
    }

    /// Reads from any byte source and reads the header, if the options say there is one.
    public init(source: ByteSource, options: CSVReadOptions = .init()) throws(FileFormatError) {
        self.source = source
        self.options = options
        transcoder = UTF8Transcoder(encoding: options.encoding, replaceInvalid: options.replaceInvalidBytes)
        chunk = .allocate(byteCount: max(options.chunkSize, 16), alignment: 16)
        decoded.reserveCapacity(chunk.count * 3)
        state.limits = (options.maxFieldBytes, options.maxRecordBytes, options.maxFieldsPerRecord)
        try initParser()
        if options.hasHeader {
            while true {
                do {
                    if let record = try nextRaw() { header = record.fields }
                    break
                } catch  where error.isRecoverable {
                    continue  // A malformed line before the header: keep looking for it.
                }
            }
            expectedFieldCount = header?.count
        }
    }

    deinit {
        csv_free(&parser)
        chunk.deallocate()
    }

    /// The 0-based index of the column named `name` in the header.
    public func columnIndex(named name: String) -> Int? {
        header?.firstIndex(of: name)
    }

    /// Returns the next record, or `nil` at the end of the file.
    ///
    /// A thrown error with ``FileFormatError/isRecoverable`` set concerns one row only: call
    /// `next()` again to go on. Any other error ends the file; records before it were already returned.
    public func next() throws(FileFormatError) -> CSVRecord? {
        guard var record = try nextRaw() else { return nil }
        guard let expected = expectedFieldCount else {
            expectedFieldCount = record.count
            return record
        }
        if record.count == expected || options.raggedRows == .allow { return record }
        if options.raggedRows == .pad {
            if record.count < expected {
                record.pad(to: expected)
                return record
            }
            if (expected..<record.count).allSatisfy({ record.byteRange($0).isEmpty }) {
                record.truncate(to: expected)
                return record
            }
        }
        let what = header != nil ? "the header has" : "the first row has"
        throw FileFormatError(
            .raggedRow, path: source.name, line: record.line,
            message: "row has \(record.count) fields but \(what) \(expected); check for a missing or extra delimiter",
            isRecoverable: true)
    }

    /// Next record or queued error, before the ragged-row check.
    private func nextRaw() throws(FileFormatError) -> CSVRecord? {
        while true {
            if let item = state.dequeue() {
                switch item {
                case .record(let record): return record
                case .failure(let error): throw error
                }
            }
            if finished { return nil }
            try pump()
        }
    }

    // MARK: Feeding the parser

    private func initParser() throws(FileFormatError) {
        let flags = options.strict ? UInt8(CSV_STRICT | CSV_STRICT_FINI) : 0
        guard csv_init(&parser, flags) == 0 else {
            throw FileFormatError(.io, path: source.name, message: "libcsv could not allocate its parser")
        }
        csv_set_delim(&parser, options.delimiter)
        csv_set_quote(&parser, options.quote)
        if !options.trimFields {
            csv_set_space_func(&parser, noSpace)
        } else if options.delimiter == UInt8(ascii: " ") {
            csv_set_space_func(&parser, tabOnly)
        }
    }

    /// Reads one chunk and feeds it through; at the end of input finishes the parser.
    private func pump() throws(FileFormatError) {
        let n = try source.read(into: chunk)
        decoded.removeAll(keepingCapacity: true)
        let failure = transcoder.decode(UnsafeRawBufferPointer(rebasing: chunk[0..<n]), isFinal: n == 0, into: &decoded)
        decoded.withUnsafeBytes { feed($0) }
        if let failure {
            finished = true
            state.enqueue(
                .failure(
                    FileFormatError(
                        .invalidEncoding, path: source.name, line: line, byteOffset: failure.byteOffset,
                        message: failure.message)))
            return
        }
        if n == 0 { finish() }
    }

    private func finish() {
        finished = true
        guard !state.hasFatalError else { return }
        state.recordLine = state.recordLine ?? line
        let box = Unmanaged.passUnretained(state).toOpaque()
        if csv_fini(&parser, fieldCallback, recordCallback, box) != 0 {
            rejectPartialRecord(isRecoverable: false) { start in
                "a quoted field that starts on line \(start) is never closed; add the closing quote or switch the mapping to lenient quoting"
            }
        }
    }

    /// Drops the record being read and queues its malformed-CSV error, at the line it started on.
    private func rejectPartialRecord(isRecoverable: Bool, _ message: (_ start: Int) -> String) {
        let start = state.recordLine ?? line
        state.discardPartialRecord()
        state.enqueue(.failure(FileFormatError(.malformedCSV, path: source.name, line: start, message: message(start), isRecoverable: isRecoverable)))
    }

    /// Feeds decoded UTF-8 to libcsv one physical line at a time, so that every record knows its line.
    private func feed(_ bytes: UnsafeRawBufferPointer) {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let n = bytes.count
        var i = 0
        // The LF of a CRLF that was split between two chunks belongs to the previous line.
        if lastWasCR, n > 0, bytes[0] == lf {
            if !skippingRestOfLine && line > options.skipLines + 1 { parse(bytes, 0..<1) }
            i = 1
        }
        if n > 0 { lastWasCR = false }
        while i < n, !state.hasFatalError {
            var end = i
            while end < n, bytes[end] != lf, bytes[end] != cr { end += 1 }
            var terminated = false
            if end < n {
                terminated = true
                if bytes[end] == cr {
                    if end + 1 < n { if bytes[end + 1] == lf { end += 1 } } else { lastWasCR = true }
                }
                end += 1
            }
            if line <= options.skipLines || skippingRestOfLine {
                // Skipped banner line, or the rest of a line whose record was rejected.
            } else {
                if atLineStart && parser.pstate == 0 { state.recordLine = line }  // 0 = ROW_NOT_BEGUN
                parse(bytes, i..<end)
            }
            atLineStart = terminated
            if terminated {
                line += 1
                skippingRestOfLine = false
            }
            i = end
        }
    }

    private func parse(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        let box = Unmanaged.passUnretained(state).toOpaque()
        let consumed = csv_parse(&parser, bytes.baseAddress! + range.lowerBound, range.count, fieldCallback, recordCallback, box)
        if parser.entry_pos > options.maxFieldBytes {
            state.failFatally(
                FileFormatError(
                    .limitExceeded, path: source.name, line: state.recordLine ?? line,
                    message:
                        "a field is larger than \(options.maxFieldBytes) bytes; is a quote left open? (raise max_field_bytes if the data is real)"))
        }
        if let error = state.takeLimitError() {
            state.failFatally(FileFormatError(.limitExceeded, path: source.name, line: state.recordLine ?? line, message: error))
        }
        guard consumed < range.count, !state.hasFatalError else { return }
        // Strict mode found broken quoting: reject this record, restart the parser on the next line.
        rejectPartialRecord(isRecoverable: true) { _ in
            "malformed quoting on line \(line) (a quote inside an unquoted field, or text after a closing quote); quote the whole field and double inner quotes, or switch the mapping to lenient quoting"
        }
        csv_free(&parser)
        do { try initParser() } catch { state.failFatally(error) }
        let lineEnds = bytes[range.upperBound - 1] == UInt8(ascii: "\n") || bytes[range.upperBound - 1] == UInt8(ascii: "\r")
        skippingRestOfLine = !lineEnds
    }
}

// MARK: - libcsv callbacks

/// What the libcsv callbacks build up; passed to them through the `void *data` argument.
private final class ParseState {
    enum Item {
        case record(CSVRecord)
        case failure(FileFormatError)
    }

    var bytes: [UInt8] = []
    var ends: [Int] = []
    var recordLine: Int?
    var limits = (field: Int.max, record: Int.max, fields: Int.max)
    private var limitError: String?
    private(set) var hasFatalError = false
    private var queue: [Item] = []
    private var head = 0

    func enqueue(_ item: Item) { queue.append(item) }

    func dequeue() -> Item? {
        guard head < queue.count else {
            if head > 0 {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return nil
        }
        defer { head += 1 }
        return queue[head]
    }

    func failFatally(_ error: FileFormatError) {
        guard !hasFatalError else { return }
        hasFatalError = true
        discardPartialRecord()
        enqueue(.failure(error))
    }

    func appendField(_ data: UnsafeMutableRawPointer?, _ length: Int) {
        guard limitError == nil else { return }
        if ends.count >= limits.fields {
            limitError = "a record has more than \(limits.fields) fields; check the delimiter (raise max_fields if the data is real)"
            return
        }
        if bytes.count + length > limits.record {
            limitError = "a record is larger than \(limits.record) bytes; is a quote left open?"
            return
        }
        if let data, length > 0 {
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        }
        ends.append(bytes.count)
    }

    func endRecord() {
        defer { recordLine = nil }
        if limitError != nil { return }
        // A line of only spaces yields one empty field: treat it as a blank line.
        if ends.count <= 1 && bytes.isEmpty {
            ends.removeAll(keepingCapacity: true)
            return
        }
        queue.append(.record(CSVRecord(line: recordLine ?? 0, bytes: bytes, ends: ends)))
        bytes = []
        ends = []
        bytes.reserveCapacity(256)
        ends.reserveCapacity(32)
    }

    func discardPartialRecord() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        recordLine = nil
    }

    func takeLimitError() -> String? {
        defer { limitError = nil }
        return limitError
    }
}

private let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { data, length, box in
    Unmanaged<ParseState>.fromOpaque(box!).takeUnretainedValue().appendField(data, length)
}

private let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, box in
    Unmanaged<ParseState>.fromOpaque(box!).takeUnretainedValue().endRecord()
}

/// Trimming off: nothing counts as space.
private let noSpace: @convention(c) (UInt8) -> Int32 = { _ in 0 }
/// Space-delimited files: only tabs are trimmed.
private let tabOnly: @convention(c) (UInt8) -> Int32 = { $0 == 0x09 ? 1 : 0 }
