/// Writes JSON text byte for byte as ``Foundation/JSONEncoder/canonical(pretty:)`` does (compact,
/// keys in the order the caller gives them — sorted — and slashes unescaped), for the request
/// bodies on the hot path, where `JSONEncoder` costs more than reading the file.
/// `Tests/JoorModelsTests/JSONWriterTests.swift` holds the two to the same output.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Per open object or array (innermost in bit 0, up to 64 deep): whether it has an element yet.
    private var hasElements: UInt64 = 0
    private var depth = 0
    private var afterKey = false

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        open()
    }
    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        close()
    }
    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        open()
    }
    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        close()
    }

    private mutating func open() {
        precondition(depth < 64, "JSON nested more than 64 deep")
        hasElements <<= 1
        depth += 1
    }

    private mutating func close() {
        hasElements >>= 1
        depth -= 1
    }

    /// A key; the next call writes its value.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Runs of bytes that need no escape are copied whole.
            var run = 0
            for i in utf8.indices {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i]))
                escape(byte)
                run = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        bytes.append(0x5C)
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        }
    }

    mutating func integer(_ value: Int) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        var magnitude = value.magnitude
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }
    mutating func boolean(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A comma before every element but the first of its object or array (keys count, their values do not).
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard depth > 0 else { return }
        if hasElements & 1 == 1 { bytes.append(UInt8(ascii: ",")) }
        hasElements |= 1
    }
}
