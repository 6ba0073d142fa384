/// Checks where thousands separators stand in a number's whole part: after its first one to
/// three digits, then after every three (`1.234.567`). With `thousands: "."`, `12.5` or `1.2.3`
/// are not numbers: taken apart, they would read as 125 and 123.
struct ThousandsGrouping {
    private var digits = 0
    private var separated = false

    /// A digit of the whole part.
    mutating func digit() { digits += 1 }

    /// A separator; `false` when it cannot stand here.
    mutating func separator() -> Bool {
        guard digits > 0, separated ? digits == 3 : digits <= 3 else { return false }
        separated = true
        digits = 0
        return true
    }

    /// The whole part has ended (a decimal separator, or the end); `false` when its last group is
    /// not three digits after a separator.
    func end() -> Bool { !separated || digits == 3 }

    /// Whether `whole` (digits and separators, no sign or decimals) is grouped by thousands.
    static func check(_ whole: Substring, separator: Character) -> Bool {
        var grouping = ThousandsGrouping()
        for character in whole {
            if character == separator {
                guard grouping.separator() else { return false }
            } else {
                grouping.digit()
            }
        }
        return grouping.end()
    }
}
