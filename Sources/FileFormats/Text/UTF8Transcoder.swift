/// Converts a byte stream in a ``TextEncoding`` to validated UTF-8, one chunk at a time.
///
/// Multi-byte sequences may be split across chunks; the transcoder carries the incomplete
/// tail over to the next call. A byte-order mark at the start is stripped (and, for UTF-8
/// input, a UTF-16 byte-order mark switches the decoder to UTF-16).
struct UTF8Transcoder {
    /// Bytes that are not valid in the declared encoding.
    struct Failure: Error, Equatable {
        /// 0-based offset of the first offending byte in the whole input.
        var byteOffset: Int
        var message: String
    }

    private var encoding: TextEncoding
    private let replaceInvalid: Bool
    /// Bytes of an incomplete sequence at the end of the previous chunk (at most 3).
    private var carry: [UInt8] = []
    /// Absolute offset of the first byte of the next chunk.
    private var offset = 0
    private var sawStart = false
    /// A UTF-16 high surrogate waiting for its low half.
    private var pendingHighSurrogate: UInt16?

    init(encoding: TextEncoding, replaceInvalid: Bool = false) {
        self.encoding = encoding
        self.replaceInvalid = replaceInvalid
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Decodes `input`, appending UTF-8 to `output`.
    ///
    /// - Returns: `nil` on success; on invalid input (and `replaceInvalid` off) a failure,
    ///   with `output` holding everything valid before the offending byte.
    mutating func decode(_ input: UnsafeRawBufferPointer, isFinal: Bool, into output: inout [UInt8]) -> Failure? {
        guard !carry.isEmpty else { return decodeChunk(input, isFinal: isFinal, into: &output) }
        // `offset` already points at the first carried byte.
        let joined = carry + Array(input)
        carry.removeAll()
        return joined.withUnsafeBytes { decodeChunk($0, isFinal: isFinal, into: &output) }
    }

    private mutating func decodeChunk(_ input: UnsafeRawBufferPointer, isFinal: Bool, into output: inout [UInt8]) -> Failure? {
        var start = 0
        if !sawStart {
            // Wait for enough bytes to recognise a byte-order mark.
            if input.count < 3 && !isFinal {
                carry = Array(input)
                return nil
            }
            sawStart = true
            start = stripByteOrderMark(input)
        }
        let result: Failure?
        switch encoding {
        case .utf8, .utf8BOM: result = decodeUTF8(input, from: start, isFinal: isFinal, into: &output)
        case .utf16, .utf16LE: result = decodeUTF16(input, from: start, bigEndian: false, isFinal: isFinal, into: &output)
        case .utf16BE: result = decodeUTF16(input, from: start, bigEndian: true, isFinal: isFinal, into: &output)
        case .windows1252, .isoLatin1: result = decodeSingleByte(input, from: start, into: &output)
        }
        offset += input.count - carry.count
        return result
    }

    /// Returns the number of byte-order-mark bytes to skip, switching encoding when the mark says so.
    private mutating func stripByteOrderMark(_ input: UnsafeRawBufferPointer) -> Int {
        let b0 = input.count > 0 ? input[0] : 0
        let b1 = input.count > 1 ? input[1] : 0
        let b2 = input.count > 2 ? input[2] : 0
        switch encoding {
        case .utf8, .utf8BOM, .utf16:
            if b0 == 0xEF && b1 == 0xBB && b2 == 0xBF {
                encoding = .utf8
                return 3
            }
            if b0 == 0xFF && b1 == 0xFE {
                encoding = .utf16LE
                return 2
            }
            if b0 == 0xFE && b1 == 0xFF {
                encoding = .utf16BE
                return 2
            }
            if encoding == .utf16 { encoding = .utf16LE }
            return 0
        case .utf16LE: return b0 == 0xFF && b1 == 0xFE ? 2 : 0
        case .utf16BE: return b0 == 0xFE && b1 == 0xFF ? 2 : 0
        case .windows1252, .isoLatin1: return 0
        }
    }

    // MARK: UTF-8

    private mutating func decodeUTF8(_ input: UnsafeRawBufferPointer, from start: Int, isFinal: Bool, into output: inout [UInt8]) -> Failure? {
        let n = input.count
        var i = start
        var runStart = start
        while i < n {
            let b = input[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length = Self.sequenceLength(input, at: i)
            switch length {
            case .valid(let count):
                i += count
            case .incomplete where !isFinal:
                output.append(contentsOf: input[runStart..<i])
                carry = Array(input[i..<n])
                return nil
            case .incomplete, .invalid:
                output.append(contentsOf: input[runStart..<i])
                let what = length == .incomplete ? "the file ends inside a multi-byte character" : "byte \(hex(b)) is not valid UTF-8"
                guard replaceInvalid else {
                    return Failure(
                        byteOffset: offset + i, message: "\(what); save the file as UTF-8 or declare its real encoding (for example windows-1252)")
                }
                output.append(contentsOf: Self.replacement)
                i += 1
                runStart = i
            }
        }
        output.append(contentsOf: input[runStart..<n])
        return nil
    }

    private enum SequenceLength: Equatable {
        case valid(Int)
        case incomplete, invalid
    }

    /// Classifies the multi-byte sequence that starts at `i` (Unicode table 3-7).
    private static func sequenceLength(_ s: UnsafeRawBufferPointer, at i: Int) -> SequenceLength {
        let lead = s[i]
        let count: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0:
            count = 3
            lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED:
            count = 3
            upper = 0x9F
        case 0xF0:
            count = 4
            lower = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4:
            count = 4
            upper = 0x8F
        default: return .invalid
        }
        for k in 1..<count {
            guard i + k < s.count else { return .incomplete }
            let c = s[i + k]
            let (lo, hi) = k == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
            if c < lo || c > hi { return .invalid }
        }
        return .valid(count)
    }

    // MARK: UTF-16

    private mutating func decodeUTF16(
        _ input: UnsafeRawBufferPointer, from start: Int, bigEndian: Bool, isFinal: Bool, into output: inout [UInt8]
    ) -> Failure? {
        var i = start
        let n = input.count
        while i + 1 < n {
            let unit = bigEndian ? UInt16(input[i]) << 8 | UInt16(input[i + 1]) : UInt16(input[i + 1]) << 8 | UInt16(input[i])
            if let high = pendingHighSurrogate {
                pendingHighSurrogate = nil
                if (0xDC00...0xDFFF).contains(unit) {
                    let scalar = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(unit) - 0xDC00)
                    Self.appendUTF8(scalar, to: &output)
                    i += 2
                    continue
                }
                if let failure = invalid(at: offset + i - 2, "a UTF-16 high surrogate is not followed by a low surrogate", into: &output) {
                    return failure
                }
            }
            switch unit {
            case 0xD800...0xDBFF: pendingHighSurrogate = unit
            case 0xDC00...0xDFFF:
                if let failure = invalid(at: offset + i, "a lone UTF-16 low surrogate", into: &output) { return failure }
            default: Self.appendUTF8(UInt32(unit), to: &output)
            }
            i += 2
        }
        if i < n {
            if isFinal {
                return invalid(at: offset + i, "the file ends in the middle of a UTF-16 character", into: &output)
            }
            carry = [input[i]]
        }
        if isFinal, pendingHighSurrogate != nil {
            pendingHighSurrogate = nil
            return invalid(at: offset + n - 2, "the file ends after a UTF-16 high surrogate", into: &output)
        }
        return nil
    }

    private func invalid(at byteOffset: Int, _ message: String, into output: inout [UInt8]) -> Failure? {
        if replaceInvalid {
            output.append(contentsOf: Self.replacement)
            return nil
        }
        return Failure(byteOffset: byteOffset, message: message)
    }

    // MARK: Single-byte code pages

    private func decodeSingleByte(_ input: UnsafeRawBufferPointer, from start: Int, into output: inout [UInt8]) -> Failure? {
        let isCP1252 = encoding == .windows1252
        var runStart = start
        for i in start..<input.count {
            let b = input[i]
            if b < 0x80 { continue }
            output.append(contentsOf: input[runStart..<i])
            runStart = i + 1
            var scalar = UInt32(b)
            if isCP1252 && b < 0xA0 {
                scalar = UInt32(Self.windows1252High[Int(b - 0x80)])
                if scalar == 0 {
                    let message = "byte \(hex(b)) is not defined in windows-1252"
                    if let failure = invalid(at: offset + i, message, into: &output) { return failure }
                    continue
                }
            }
            Self.appendUTF8(scalar, to: &output)
        }
        output.append(contentsOf: input[runStart..<input.count])
        return nil
    }

    /// Windows-1252 bytes 0x80…0x9F as Unicode scalars; 0 marks the five undefined bytes.
    static let windows1252High: [UInt16] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}

/// `0x9D`-style spelling of a byte, for error messages.
func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
}
