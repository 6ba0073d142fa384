import Foundation

/// A calendar date, optionally with a time and a UTC offset, as read from a file.
public struct DateValue: Sendable, Equatable {
    public var year: Int, month: Int, day: Int
    public var hour: Int?, minute: Int?, second: Int?, millisecond: Int?
    /// Offset from UTC in seconds, when the text said (`Z`, `+02:00`).
    public var offset: Int?

    var hasTime: Bool { hour != nil }

    /// A date-time without an offset read as wall-clock time in `zone` (given that zone's
    /// offset on that day); anything else unchanged.
    func placed(in zone: TimeZone) -> DateValue {
        guard hasTime, offset == nil else { return self }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute ?? 0, second: second ?? 0)
        guard let instant = calendar.date(from: components) else { return self }
        var placed = self
        placed.offset = zone.secondsFromGMT(for: instant)
        return placed
    }

    /// Moves a date-time with a known offset into `zone`. Date-only values never move:
    /// a delivery date must not shift by a day because of a time zone.
    func converted(to zone: TimeZone) -> DateValue {
        guard hasTime, let offset else { return self }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute ?? 0
        components.second = second ?? 0
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(secondsFromGMT: offset)!
        guard let instant = utc.date(from: components) else { return self }
        var local = Calendar(identifier: .gregorian)
        local.timeZone = zone
        let c = local.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return DateValue(
            year: c.year!, month: c.month!, day: c.day!, hour: c.hour, minute: c.minute, second: c.second,
            millisecond: millisecond, offset: zone.secondsFromGMT(for: instant))
    }
}

/// A date pattern such as `dd/MM/yyyy`, `M/d/yy`, `yyyyMMdd` or `iso8601`.
///
/// Letters: `yyyy` `yy` year, `MM` `M` month, `MMM` month abbreviation (Jan), `dd` `d` day,
/// `HH` `H` hour, `mm` minute, `ss` second, `SSS` millisecond, `XXX` offset (`Z` or `+02:00`),
/// `'text'` literal text; anything else stands for itself.
public struct DatePattern: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case literal(String)
        case field(Character, Int)
    }

    public let pattern: String
    let tokens: [Token]
    /// Whether the pattern writes a UTC offset (`XXX`).
    let writesOffset: Bool
    let isISO: Bool

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    init(_ pattern: String) throws(RuleSyntaxError) {
        self.pattern = pattern
        isISO = pattern.lowercased() == "iso8601" || pattern.lowercased() == "iso-8601"
        if isISO {
            tokens = []
            writesOffset = false
            return
        }
        var tokens: [Token] = []
        var chars = Array(pattern)[...]
        while let c = chars.first {
            if c == "'" {
                chars.removeFirst()
                guard let end = chars.firstIndex(of: "'") else { throw RuleSyntaxError("unclosed quote in date pattern '\(pattern)'") }
                tokens.append(.literal(String(chars[chars.startIndex..<end])))
                chars = chars[(end + 1)...]
                continue
            }
            var count = 0
            while chars.first == c {
                chars.removeFirst()
                count += 1
            }
            switch c {
            case "y":
                guard count == 2 || count == 4 else { throw RuleSyntaxError("date pattern '\(pattern)': use yyyy or yy for the year") }
                tokens.append(.field(c, count))
            case "M":
                guard count <= 3 else { throw RuleSyntaxError("date pattern '\(pattern)': use M, MM or MMM for the month") }
                tokens.append(.field(c, count))
            case "d", "H", "m", "s":
                guard count <= 2 else { throw RuleSyntaxError("date pattern '\(pattern)': '\(String(repeating: c, count: count))' is too long") }
                tokens.append(.field(c, count))
            case "S":
                guard count == 3 else { throw RuleSyntaxError("date pattern '\(pattern)': use SSS for milliseconds") }
                tokens.append(.field(c, count))
            case "X", "Z":
                tokens.append(.field("X", count))
            default:
                if c.isLetter {
                    throw RuleSyntaxError(
                        "date pattern '\(pattern)': unknown letter '\(c)'; use yyyy, MM, dd, HH, mm, ss (quote literal text like 'T')")
                }
                tokens.append(.literal(String(repeating: c, count: count)))
            }
        }
        guard tokens.contains(where: { if case .field("y", _) = $0 { true } else { false } }) else {
            throw RuleSyntaxError("date pattern '\(pattern)' has no year (yyyy)")
        }
        self.tokens = tokens
        writesOffset = tokens.contains { if case .field("X", _) = $0 { true } else { false } }
    }

    /// Parses `text`; `nil` if it does not match or is not a real date (31 February).
    func parse(_ text: String) -> DateValue? {
        if isISO { return Self.parseISO(text) }
        var value = DateValue(year: 0, month: 1, day: 1)
        // Byte by byte: every field is ASCII digits, literals are compared as UTF-8.
        var chars = Array(text.utf8)[...]
        func number(_ minDigits: Int, _ maxDigits: Int) -> Int? {
            var digits = 0
            var number = 0
            while digits < maxDigits, let c = chars.first, let digit = Self.digit(c) {
                number = number * 10 + digit
                digits += 1
                chars.removeFirst()
            }
            return digits >= minDigits ? number : nil
        }
        for token in tokens {
            switch token {
            case .literal(let literal):
                for c in literal.utf8 {
                    guard chars.first == c else { return nil }
                    chars.removeFirst()
                }
            case .field(let c, let count):
                switch c {
                case "y":
                    guard let y = number(count, count) else { return nil }
                    value.year = count == 2 ? (y < 70 ? 2000 + y : 1900 + y) : y
                case "M" where count == 3:
                    let name = String(decoding: chars.prefix(3), as: UTF8.self).lowercased()
                    guard let index = Self.months.firstIndex(of: name) else { return nil }
                    chars.removeFirst(3)
                    value.month = index + 1
                case "M", "d", "H", "m", "s":
                    guard let n = number(count, 2) else { return nil }
                    switch c {
                    case "M": value.month = n
                    case "d": value.day = n
                    case "H": value.hour = n
                    case "m": value.minute = n
                    default: value.second = n
                    }
                case "S":
                    guard let ms = number(3, 3) else { return nil }
                    value.millisecond = ms
                case "X":
                    guard let offset = Self.parseOffset(&chars) else { return nil }
                    value.offset = offset
                default: return nil
                }
            }
        }
        guard chars.isEmpty, Self.isValid(value) else { return nil }
        return value
    }

    /// Formats a date with this pattern (ISO: `yyyy-MM-dd`, or with time and offset when known).
    func format(_ value: DateValue) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        if isISO {
            var out = "\(pad(value.year, 4))-\(pad(value.month, 2))-\(pad(value.day, 2))"
            if let hour = value.hour {
                out += "T\(pad(hour, 2)):\(pad(value.minute ?? 0, 2)):\(pad(value.second ?? 0, 2))"
                if let offset = value.offset { out += Self.formatOffset(offset) }
            }
            return out
        }
        var out = ""
        for token in tokens {
            switch token {
            case .literal(let literal): out += literal
            case .field(let c, let count):
                switch c {
                case "y": out += count == 2 ? pad(value.year % 100, 2) : pad(value.year, 4)
                case "M" where count == 3: out += Self.months[value.month - 1].capitalized
                case "M": out += pad(value.month, count)
                case "d": out += pad(value.day, count)
                case "H": out += pad(value.hour ?? 0, count)
                case "m": out += pad(value.minute ?? 0, count)
                case "s": out += pad(value.second ?? 0, count)
                case "S": out += pad(value.millisecond ?? 0, 3)
                case "X": out += Self.formatOffset(value.offset ?? 0)
                default: break
                }
            }
        }
        return out
    }

    /// The current time in `zone`, as a ``DateValue``.
    static func now(_ date: Date = Date(), in zone: TimeZone = .current) -> DateValue {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        return DateValue(
            year: c.year!, month: c.month!, day: c.day!, hour: c.hour, minute: c.minute, second: c.second,
            millisecond: (c.nanosecond ?? 0) / 1_000_000, offset: zone.secondsFromGMT(for: date))
    }

    private static func parseISO(_ text: String) -> DateValue? {
        var chars = Array(text.trimmed().utf8)[...]
        func number(_ n: Int) -> Int? {
            guard chars.count >= n, chars.prefix(n).allSatisfy({ digit($0) != nil }) else { return nil }
            defer { chars.removeFirst(n) }
            return chars.prefix(n).reduce(0) { $0 * 10 + digit($1)! }
        }
        func expect(_ c: Unicode.Scalar) -> Bool {
            if chars.first == UInt8(ascii: c) {
                chars.removeFirst()
                return true
            }
            return false
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { return nil }
        var value = DateValue(year: year, month: month, day: day)
        if chars.first == UInt8(ascii: "T") || chars.first == UInt8(ascii: " ") {
            chars.removeFirst()
            guard let h = number(2), expect(":"), let m = number(2) else { return nil }
            value.hour = h
            value.minute = m
            value.second = 0
            if expect(":") {
                guard let s = number(2) else { return nil }
                value.second = s
            }
            if expect(".") {
                var digits = ""
                while let c = chars.first, digit(c) != nil {
                    digits.append(Character(Unicode.Scalar(c)))
                    chars.removeFirst()
                }
                value.millisecond = Int(String((digits + "000").prefix(3)))
            }
            if !chars.isEmpty {
                guard let offset = parseOffset(&chars) else { return nil }
                value.offset = offset
            }
        }
        guard chars.isEmpty, isValid(value) else { return nil }
        return value
    }

    private static func parseOffset(_ chars: inout ArraySlice<UInt8>) -> Int? {
        guard let sign = chars.first else { return nil }
        if sign == UInt8(ascii: "Z") {
            chars.removeFirst()
            return 0
        }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        chars.removeFirst()
        let part = chars.prefix { digit($0) != nil || $0 == UInt8(ascii: ":") }
        chars.removeFirst(part.count)
        let digits = part.compactMap(digit)
        guard digits.count == 4 || digits.count == 2 else { return nil }
        let n = digits.reduce(0) { $0 * 10 + $1 }
        let seconds = digits.count == 4 ? (n / 100) * 3600 + (n % 100) * 60 : n * 3600
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }

    /// The value of an ASCII digit.
    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func formatOffset(_ seconds: Int) -> String {
        if seconds == 0 { return "Z" }
        let sign = seconds < 0 ? "-" : "+"
        let m = abs(seconds) / 60
        return sign + String(format: "%02d:%02d", m / 60, m % 60)
    }

    private static func isValid(_ v: DateValue) -> Bool {
        guard (1...12).contains(v.month), v.day >= 1 else { return false }
        let leap = (v.year % 4 == 0 && v.year % 100 != 0) || v.year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][v.month - 1]
        guard v.day <= days else { return false }
        if let h = v.hour, !(0...23).contains(h) { return false }
        if let m = v.minute, !(0...59).contains(m) { return false }
        if let s = v.second, !(0...60).contains(s) { return false }
        return true
    }
}
