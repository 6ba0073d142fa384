/// A text encoding that joorbridge reads (and, for some, writes).
///
/// Everything inside joorbridge is UTF-8; files in other encodings are converted while
/// they stream, never by loading the whole file.
public enum TextEncoding: String, Sendable, CaseIterable, Codable {
    /// UTF-8. A leading byte-order mark is stripped. A UTF-16 byte-order mark switches to UTF-16.
    case utf8 = "utf-8"
    /// UTF-8 with a byte-order mark (reading strips it; writing emits it).
    case utf8BOM = "utf-8-bom"
    /// UTF-16 whose byte order comes from its byte-order mark (little-endian if there is none).
    case utf16 = "utf-16"
    /// UTF-16 little-endian.
    case utf16LE = "utf-16le"
    /// UTF-16 big-endian.
    case utf16BE = "utf-16be"
    /// Windows code page 1252 (Western European, with `€`).
    case windows1252 = "windows-1252"
    /// ISO-8859-1 (Latin-1).
    case isoLatin1 = "iso-8859-1"

    /// Parses the many spellings people use for the same encoding (`UTF8`, `cp1252`, `latin1`, …).
    public init?(name: String) {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        switch key {
        case "utf8": self = .utf8
        case "utf8bom", "utf8withbom", "utf8sig": self = .utf8BOM
        case "utf16": self = .utf16
        case "utf16le": self = .utf16LE
        case "utf16be": self = .utf16BE
        case "windows1252", "cp1252", "win1252", "ansi": self = .windows1252
        case "iso88591", "latin1", "isolatin1", "l1": self = .isoLatin1
        default: return nil
        }
    }

    /// The first character of `text` this encoding cannot write, or `nil` when it can write all
    /// of it (UTF-8 and UTF-16 write everything; windows-1252 and ISO-8859-1 one byte a character).
    public func firstUnwritable(in text: String) -> Unicode.Scalar? {
        switch self {
        case .windows1252, .isoLatin1: text.unicodeScalars.first { singleByte(for: $0) == nil }
        default: nil
        }
    }

    /// Why `scalar` cannot be written, and what to do: for every writer's error message.
    public func cannotWrite(_ scalar: Unicode.Scalar) -> String {
        "the character '\(scalar)' (U+\(String(scalar.value, radix: 16, uppercase: true))) cannot be written in \(rawValue); choose utf-8 output or replace it in the mapping"
    }

    /// The encodings that ``CSVWriter`` can produce.
    public static let writable: [TextEncoding] = [.utf8, .utf8BOM, .windows1252]

    /// Fails unless this is one of `allowed`: `what` names what cannot use it ("CSV output"),
    /// `why` (optional) says why the others are not there.
    func require(_ allowed: [TextEncoding], for what: String, path: String?, why: String = "") throws(FileFormatError) {
        guard !allowed.contains(self) else { return }
        throw FileFormatError(
            .invalidOptions, path: path, message: "\(what) cannot be in \(rawValue); use \(allowed.map(\.rawValue).joined(separator: ", "))\(why)")
    }
}
