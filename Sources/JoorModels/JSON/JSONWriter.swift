import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes JSON text byte for byte as ``Foundation/JSONEncoder/canonical(pretty:)`` does (compact,
/// keys in the order the caller gives them — sorted — and slashes unescaped), for the request
/// bodies on the hot path, where `JSONEncoder` costs more than reading the file.
/// `Tests/JoorModelsTests/JSONWriterTests.swift` holds the two to the same output.
///
/// The text is written into one growing `malloc` buffer (a capacity check per byte, but none of
/// an `Array` append's uniqueness checks and bookkeeping), and ``data()`` hands that buffer to
/// `Data` without a copy.
struct JSONWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Per open object or array (innermost in bit 0, up to 64 deep): whether it has an element yet.
    private var hasElements: UInt64 = 0
    private var depth = 0
    private var afterKey = false

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 64)
        start = malloc(self.capacity)!.assumingMemoryBound(to: UInt8.self)
    }

    deinit { free(start) }

    /// The text written, as `Data` that owns the buffer.
    consuming func data() -> Data {
        let data = Data(bytesNoCopy: start, count: count, deallocator: .free)
        discard self
        return data
    }

    /// Makes room for `extra` more bytes.
    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        capacity = max(capacity * 2, count + extra)
        start = realloc(start, capacity)!.assumingMemoryBound(to: UInt8.self)
    }

    private mutating func append(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (start + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        precondition(depth < 64, "JSON nested more than 64 deep")
        separate()
        append(bracket)
        hasElements <<= 1
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        append(bracket)
        hasElements >>= 1
        depth -= 1
    }

    /// A key; the next call writes its value.
    mutating func key(_ name: StaticString) {
        separate()
        append(UInt8(ascii: "\""))
        name.withUTF8Buffer { append($0) }
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String) {
        separate()
        append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Runs of bytes that need no escape are copied whole.
            var run = 0
            for i in utf8.indices {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                append(UnsafeBufferPointer(rebasing: utf8[run..<i]))
                escape(byte)
                run = i + 1
            }
            append(UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        append(0x5C)
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): append(byte)
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            for digit in [UInt8(ascii: "u"), 0x30, 0x30, hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)]] { append(digit) }
        }
    }

    mutating func integer(_ value: Int) {
        separate()
        reserve(20)  // a sign and Int's 19 digits at the most
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        count += digits
        var at = count
        repeat {
            at -= 1
            start[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
    }
    mutating func boolean(_ value: Bool) {
        separate()
        let text: StaticString = value ? "true" : "false"
        text.withUTF8Buffer { append($0) }
    }

    /// A member whose value may be absent: nothing is written for `nil`, as `JSONEncoder` leaves
    /// absent keys out.
    mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func member(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    mutating func member(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        boolean(value)
    }

    /// A comma before every element but the first of its object or array (keys count, their values do not).
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        if hasElements & 1 == 1 { append(UInt8(ascii: ",")) }
        hasElements |= 1
    }
}
