/// One column of a fixed-width output line: its width and how a value is fitted into it.
public struct FixedWidthColumn: Sendable, Equatable {
    public enum Alignment: String, Sendable, Equatable, CaseIterable {
        /// Value first, padding after (text).
        case left
        /// Padding first, value after (numbers).
        case right
    }

    /// What happens to a value longer than the column.
    public enum Overflow: String, Sendable, Equatable, CaseIterable {
        /// The record cannot be written (the order is rejected with the reason, and retried).
        case reject
        /// The value is cut to the width (from the right for left-aligned columns, keeping the
        /// start; from the left for right-aligned ones, keeping the end).
        case truncate
    }

    /// Width in bytes of the output encoding (a character is a byte in windows-1252 and ISO-8859-1).
    public var width: Int
    public var alignment: Alignment
    /// The padding character (one byte in the output encoding).
    public var pad: Unicode.Scalar
    public var overflow: Overflow

    public init(width: Int, alignment: Alignment = .left, pad: Unicode.Scalar = " ", overflow: Overflow = .reject) {
        self.width = width
        self.alignment = alignment
        self.pad = pad
        self.overflow = overflow
    }

    /// Why a value does not fit.
    public struct Misfit: Error, Sendable, Equatable {
        public var message: String
    }

    /// The value padded (or cut) to exactly ``width`` bytes of `encoding`; right-aligned with
    /// `pad: "0"`, a leading sign stays in front of the zeros.
    /// - Throws: a ``Misfit`` when the value is too long and ``overflow`` is `reject`, or holds a
    ///   control character (a line break would split the line) or one `encoding` cannot write.
    public func fit(_ value: String, encoding: TextEncoding) throws(Misfit) -> String {
        var scalars = Array(value.unicodeScalars)
        var bytes = 0
        for scalar in scalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                throw Misfit(
                    message:
                        "holds a line break or control character (U+\(String(scalar.value, radix: 16, uppercase: true))), which would break the line; replace it in the mapping (replace: { \"\\n\": \" \" })"
                )
            }
            guard let size = Self.size(of: scalar, in: encoding) else { throw Misfit(message: encoding.cannotWrite(scalar)) }
            bytes += size
        }
        if bytes > width {
            guard overflow == .truncate else {
                throw Misfit(
                    message:
                        "is \(bytes) \(bytes == scalars.count ? "characters" : "bytes") long, the column is \(width) wide (overflow: truncate cuts it)"
                )
            }
            while bytes > width {
                let removed = alignment == .left ? scalars.removeLast() : scalars.removeFirst()
                bytes -= Self.size(of: removed, in: encoding)!
            }
        }
        let padding = String(repeating: Character(pad), count: width - bytes)
        let text = String(String.UnicodeScalarView(scalars))
        if alignment == .left { return text + padding }
        // Zeros go between a leading sign and the digits: -5.00 is -000005.00, not 000000-5.00.
        if pad == "0", let sign = text.first, sign == "-" || sign == "+" { return String(sign) + padding + text.dropFirst() }
        return padding + text
    }

    /// Bytes a scalar takes in `encoding`, or `nil` when it cannot be written there.
    static func size(of scalar: Unicode.Scalar, in encoding: TextEncoding) -> Int? {
        switch encoding {
        case .windows1252, .isoLatin1: encoding.singleByte(for: scalar) == nil ? nil : 1
        default: scalar.utf8.count
        }
    }
}
