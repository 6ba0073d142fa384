internal import CLibCSV

/// Reads CSV records one at a time from a stream, over libcsv's push parser.
///
/// The file is read in fixed-size chunks, converted to UTF-8, cut at line breaks and handed to
/// libcsv; memory stays bounded by the chunk size and the largest record, whatever the file size.
///
/// Two ways to read: ``next()`` returns each record as a value of its own; ``advance()`` moves to
/// the next record and leaves it in the reader's buffer (``current``), which is reused for every
/// record — the fast path, with no allocation per row.
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
    /// The parser and what its callbacks build, behind pointers: the per-byte and per-field work
    /// then needs neither reference counting nor exclusivity checks.
    private let state: UnsafeMutablePointer<ParseState>
    private let parser: UnsafeMutablePointer<csv_parser>
    private var transcoder: UTF8Transcoder
    private let chunk: UnsafeMutableRawBufferPointer
    /// The decoded chunk being fed, and how much of it libcsv has seen.
    private var decoded: [UInt8] = []
    private var fed = 0
    /// A broken byte found while decoding the chunk: reported (at its line) once the bytes before it are fed.
    private var decodingFailure: UTF8Transcoder.Failure?
    private var inputEnded = false
    private var finished = false
    private var expectedFieldCount: Int?

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
        state = .allocate(capacity: 1)
        state.initialize(to: ParseState(limits: (options.maxFieldBytes, options.maxRecordBytes, options.maxFieldsPerRecord)))
        parser = .allocate(capacity: 1)
        parser.initialize(to: csv_parser())
        try initParser()
        if options.hasHeader {
            while true {
                do {
                    if try advanceRaw() { header = current.fields }
                    break
                } catch  where error.isRecoverable {
                    continue  // A malformed line before the header: keep looking for it.
                }
            }
            expectedFieldCount = header?.count
        }
    }

    deinit {
        csv_free(parser)
        parser.deallocate()
        state.pointee.release()
        state.deinitialize(count: 1)
        state.deallocate()
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
        guard try advance() else { return nil }
        return current.record
    }

    /// Moves to the next record, which ``current`` then shows; `false` at the end of the file.
    ///
    /// Errors as for ``next()``: a recoverable one concerns one row, call `advance()` again to go on.
    public func advance() throws(FileFormatError) -> Bool {
        guard try advanceRaw() else { return false }
        let count = state.pointee.fieldCount
        guard let expected = expectedFieldCount else {
            expectedFieldCount = count
            return true
        }
        if count == expected || options.raggedRows == .allow { return true }
        if options.raggedRows == .pad {
            if count < expected {
                state.pointee.padFields(to: expected)
                return true
            }
            if (expected..<count).allSatisfy({ current.byteRange($0).isEmpty }) {
                state.pointee.fieldCount = expected
                return true
            }
        }
        let what = header != nil ? "the header has" : "the first row has"
        throw FileFormatError(
            .raggedRow, path: source.name, line: state.pointee.readyLine,
            message: "row has \(count) fields but \(what) \(expected); check for a missing or extra delimiter",
            isRecoverable: true)
    }

    /// The record ``advance()`` moved to. It points into the reader's buffer: read it before the
    /// reader moves on, and do not keep it (``CSVRecordView/record`` makes a copy to keep).
    public var current: CSVRecordView {
        CSVRecordView(line: state.pointee.readyLine, bytes: state.pointee.bytes, ends: state.pointee.ends, count: state.pointee.fieldCount)
    }

    /// The next record or queued error, before the ragged-row check.
    private func advanceRaw() throws(FileFormatError) -> Bool {
        if state.pointee.recordReady { state.pointee.clearRecord() }
        while true {
            if let failure = state.pointee.dequeueFailure() { throw failure }
            if state.pointee.recordReady { return true }
            if finished { return false }
            try pump()
        }
    }

    // MARK: Feeding the parser

    private func initParser() throws(FileFormatError) {
        let flags = options.strict ? UInt8(CSV_STRICT | CSV_STRICT_FINI) : 0
        guard csv_init(parser, flags) == 0 else {
            throw FileFormatError(.io, path: source.name, message: "libcsv could not allocate its parser")
        }
        csv_set_delim(parser, options.delimiter)
        csv_set_quote(parser, options.quote)
        if !options.trimFields {
            csv_set_space_func(parser, noSpace)
        } else if options.delimiter == UInt8(ascii: " ") {
            csv_set_space_func(parser, tabOnly)
        }
    }

    /// Feeds the decoded chunk on until a record is complete or an error is queued; when it is
    /// used up, reads and decodes the next chunk; at the end of the input finishes the parser.
    private func pump() throws(FileFormatError) {
        if state.pointee.hasFatalError {
            finished = true  // nothing after an error that ends the file
            return
        }
        if fed < decoded.count {
            fed = decoded.withUnsafeBytes { feed($0, from: fed) }
            return
        }
        if let failure = decodingFailure {
            decodingFailure = nil
            finished = true
            state.pointee.enqueue(
                FileFormatError(
                    .invalidEncoding, path: source.name, line: state.pointee.line, byteOffset: failure.byteOffset, message: failure.message))
            return
        }
        if inputEnded {
            finish()
            return
        }
        let n = try source.read(into: chunk)
        decoded.removeAll(keepingCapacity: true)
        fed = 0
        state.pointee.chunkStarts = true
        decodingFailure = transcoder.decode(UnsafeRawBufferPointer(rebasing: chunk[0..<n]), isFinal: n == 0, into: &decoded)
        inputEnded = n == 0
    }

    private func finish() {
        finished = true
        guard !state.pointee.hasFatalError else { return }
        if state.pointee.recordLine == 0 { state.pointee.recordLine = state.pointee.line }
        if csv_fini(parser, fieldCallback, recordCallback, state) != 0 {
            rejectPartialRecord(isRecoverable: false) { start in
                "a quoted field that starts on line \(start) is never closed; add the closing quote or switch the mapping to lenient quoting"
            }
        }
    }

    /// Drops the record being read and queues its malformed-CSV error, at the line it started on.
    private func rejectPartialRecord(isRecoverable: Bool, _ message: (_ start: Int) -> String) {
        let start = state.pointee.recordLine != 0 ? state.pointee.recordLine : state.pointee.line
        state.pointee.discardPartialRecord()
        state.pointee.enqueue(
            FileFormatError(.malformedCSV, path: source.name, line: start, message: message(start), isRecoverable: isRecoverable))
    }

    /// Feeds decoded UTF-8 to libcsv one physical line at a time, so that every record knows its
    /// line; stops after the line that completes a record (or queues an error).
    /// - Returns: how far `bytes` has been fed.
    private func feed(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let n = bytes.count
        var i = start
        let s = state
        // The LF of a CRLF that was split between two chunks belongs to the previous line.
        if s.pointee.chunkStarts {
            s.pointee.chunkStarts = false
            if s.pointee.lastWasCR, n > 0, bytes[0] == lf {
                if !s.pointee.skippingRestOfLine && s.pointee.line > options.skipLines + 1 { parse(bytes, 0..<1) }
                i = 1
            }
            if n > 0 { s.pointee.lastWasCR = false }
        }
        while i < n, !s.pointee.recordReady, !s.pointee.hasFailures {
            var end = i
            while end < n, bytes[end] != lf, bytes[end] != cr { end += 1 }
            var terminated = false
            if end < n {
                terminated = true
                if bytes[end] == cr {
                    if end + 1 < n { if bytes[end + 1] == lf { end += 1 } } else { s.pointee.lastWasCR = true }
                }
                end += 1
            }
            if s.pointee.line <= options.skipLines || s.pointee.skippingRestOfLine {
                // Skipped banner line, or the rest of a line whose record was rejected.
            } else {
                if s.pointee.atLineStart && parser.pointee.pstate == 0 { s.pointee.recordLine = s.pointee.line }  // 0 = ROW_NOT_BEGUN
                parse(bytes, i..<end)
            }
            s.pointee.atLineStart = terminated
            if terminated {
                s.pointee.line += 1
                s.pointee.skippingRestOfLine = false
            }
            i = end
        }
        return i
    }

    private func parse(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        let consumed = csv_parse(parser, bytes.baseAddress! + range.lowerBound, range.count, fieldCallback, recordCallback, state)
        let s = state
        let recordLine = s.pointee.recordLine != 0 ? s.pointee.recordLine : s.pointee.line
        if parser.pointee.entry_pos > options.maxFieldBytes {
            s.pointee.failFatally(
                FileFormatError(
                    .limitExceeded, path: source.name, line: recordLine,
                    message:
                        "a field is larger than \(options.maxFieldBytes) bytes; is a quote left open? (raise max_field_bytes if the data is real)"))
        }
        if let error = s.pointee.takeLimitError() {
            s.pointee.failFatally(FileFormatError(.limitExceeded, path: source.name, line: recordLine, message: error))
        }
        guard consumed < range.count, !s.pointee.hasFatalError else { return }
        // Strict mode found broken quoting: reject this record, restart the parser on the next line.
        let line = s.pointee.line
        rejectPartialRecord(isRecoverable: true) { _ in
            "malformed quoting on line \(line) (a quote inside an unquoted field, or text after a closing quote); quote the whole field and double inner quotes, or switch the mapping to lenient quoting"
        }
        csv_free(parser)
        do { try initParser() } catch { s.pointee.failFatally(error) }
        let lineEnds = bytes[range.upperBound - 1] == UInt8(ascii: "\n") || bytes[range.upperBound - 1] == UInt8(ascii: "\r")
        s.pointee.skippingRestOfLine = !lineEnds
    }
}

// MARK: - libcsv callbacks

/// What the libcsv callbacks build up, and where the reader is in the input; reached through a
/// pointer (the callbacks' `void *data`), so it holds its buffers as raw memory of its own.
private struct ParseState {
    /// The record being built (or, once ``recordReady``, the one handed out): fields back to back.
    var bytes: UnsafeMutablePointer<UInt8>
    var byteCapacity = 256
    var byteCount = 0
    /// Where each field ends in ``bytes``.
    var ends: UnsafeMutablePointer<Int>
    var endCapacity = 32
    var fieldCount = 0
    /// The line the record being built starts on (0: none started).
    var recordLine = 0
    /// A complete record is in the buffers, starting on ``readyLine``.
    var recordReady = false
    var readyLine = 0
    var limits: (field: Int, record: Int, fields: Int)
    private var limitError: String?
    private(set) var hasFatalError = false
    private var failures: [FileFormatError] = []
    private var failureHead = 0

    // Line tracking: the parser is fed one physical line (or part of one) at a time.
    var line = 1
    var atLineStart = true
    var lastWasCR = false
    var skippingRestOfLine = false
    /// A new chunk was decoded and nothing of it fed yet.
    var chunkStarts = false

    init(limits: (field: Int, record: Int, fields: Int)) {
        self.limits = limits
        bytes = .allocate(capacity: byteCapacity)
        ends = .allocate(capacity: endCapacity)
    }

    func release() {
        bytes.deallocate()
        ends.deallocate()
    }

    var hasFailures: Bool { failureHead < failures.count }

    mutating func enqueue(_ failure: FileFormatError) { failures.append(failure) }

    mutating func dequeueFailure() -> FileFormatError? {
        guard failureHead < failures.count else {
            if failureHead > 0 {
                failures.removeAll(keepingCapacity: true)
                failureHead = 0
            }
            return nil
        }
        defer { failureHead += 1 }
        return failures[failureHead]
    }

    mutating func failFatally(_ error: FileFormatError) {
        guard !hasFatalError else { return }
        hasFatalError = true
        discardPartialRecord()
        enqueue(error)
    }

    mutating func appendField(_ data: UnsafeMutableRawPointer?, _ length: Int) {
        guard limitError == nil else { return }
        if fieldCount >= limits.fields {
            limitError = "a record has more than \(limits.fields) fields; check the delimiter (raise max_fields if the data is real)"
            return
        }
        if byteCount + length > limits.record {
            limitError = "a record is larger than \(limits.record) bytes; is a quote left open?"
            return
        }
        if byteCount + length > byteCapacity { Self.grow(&bytes, capacity: &byteCapacity, keeping: byteCount, toHold: byteCount + length) }
        if fieldCount == endCapacity { Self.grow(&ends, capacity: &endCapacity, keeping: fieldCount, toHold: fieldCount + 1) }
        if let data, length > 0 {
            (bytes + byteCount).update(from: data.assumingMemoryBound(to: UInt8.self), count: length)
            byteCount += length
        }
        ends[fieldCount] = byteCount
        fieldCount += 1
    }

    mutating func endRecord() {
        defer { recordLine = 0 }
        if limitError != nil { return }
        // A line of only spaces yields one empty field: treat it as a blank line.
        if fieldCount <= 1 && byteCount == 0 {
            fieldCount = 0
            return
        }
        recordReady = true
        readyLine = recordLine
    }

    /// Empties the buffers of the record handed out, for the next one.
    mutating func clearRecord() {
        recordReady = false
        byteCount = 0
        fieldCount = 0
    }

    mutating func discardPartialRecord() {
        recordLine = 0
        guard !recordReady else { return }  // a complete record waits to be handed out
        byteCount = 0
        fieldCount = 0
    }

    /// Pads a short record with empty fields.
    mutating func padFields(to count: Int) {
        if count > endCapacity { Self.grow(&ends, capacity: &endCapacity, keeping: fieldCount, toHold: count) }
        while fieldCount < count {
            ends[fieldCount] = byteCount
            fieldCount += 1
        }
    }

    mutating func takeLimitError() -> String? {
        defer { limitError = nil }
        return limitError
    }

    /// Moves `buffer`'s first `count` elements into one at least twice as large that holds `needed`.
    private static func grow<Element>(_ buffer: inout UnsafeMutablePointer<Element>, capacity: inout Int, keeping count: Int, toHold needed: Int) {
        var grownCapacity = capacity * 2
        while grownCapacity < needed { grownCapacity *= 2 }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: grownCapacity)
        grown.moveInitialize(from: buffer, count: count)
        buffer.deallocate()
        buffer = grown
        capacity = grownCapacity
    }
}

private let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { data, length, state in
    state!.assumingMemoryBound(to: ParseState.self).pointee.appendField(data, length)
}

private let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, state in
    state!.assumingMemoryBound(to: ParseState.self).pointee.endRecord()
}

/// Trimming off: nothing counts as space.
private let noSpace: @convention(c) (UInt8) -> Int32 = { _ in 0 }
/// Space-delimited files: only tabs are trimmed.
private let tabOnly: @convention(c) (UInt8) -> Int32 = { $0 == 0x09 ? 1 : 0 }
