import Foundation
import TestSupport
import Testing

@testable import Mapping

/// The fast number parsing and printing must agree exactly with Foundation's general path.
@Suite("Decimal text fast path")
struct DecimalTextTests {
    @Test func plainTextMatchesNSDecimalNumberOnRandomValues() {
        #expect(Decimal.fastTextAvailable, "the Decimal layout check should pass on Linux and macOS")
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let significand = UInt64.random(in: 0...999_999_999_999, using: &rng) >> UInt64.random(in: 0...40, using: &rng)
            let value = Decimal(
                sign: Bool.random(using: &rng) ? .minus : .plus, exponent: Int.random(in: -8...6, using: &rng), significand: Decimal(significand))
            #expect(value.plainText == NSDecimalNumber(decimal: value).stringValue, "\(value)")
        }
    }

    @Test func exactIntOnlyForWholeNumbers() {
        #expect(Decimal(string: "42")?.exactInt == 42)
        #expect(Decimal(string: "-7000")?.exactInt == -7000)
        #expect(Decimal(sign: .plus, exponent: 3, significand: 5).exactInt == 5000)
        #expect(Decimal(string: "4.5")?.exactInt == nil)
        #expect(Decimal(string: "12345678901234567890123")?.exactInt == nil)
        #expect(Decimal(0).exactInt == 0)
    }

    @Test func parsingMatchesTheGeneralPath() {
        let cases = [
            "12", "-12.50", "+3", ".5", "1.", "0", "-0", "007", "12-", "1.2.3", "", " ", "1 2", "abc", "--1", "1e5",
            "999999999999999999", "1234567890123456789012", "١٢", " 42 ", "\t7",
        ]
        // What the fast path must do with each: parse it (to the general parser's value), say it
        // is not a number, or hand it to the general path. Every case is checked.
        let handedOver: Set<String> = ["1234567890123456789012", "١٢", "999999999999999999"]
        var checked = 0
        for text in cases {
            let general = Decimal(string: text.trimmingCharacters(in: .whitespaces), locale: Locale(identifier: "en_US_POSIX"))
            let (fast, needsGeneral) = Decimal.parseASCII(text)
            if needsGeneral {
                #expect(handedOver.contains(text), "'\(text)' went to the general path unexpectedly")
                checked += 1
                continue
            }
            if let fast {
                #expect(fast == general || (text.hasSuffix("-") && fast == -(general ?? 0)), "'\(text)'")
            } else {
                #expect(!handedOver.contains(text), "'\(text)' should have gone to the general path")
            }
            checked += 1
        }
        #expect(checked == cases.count)
        #expect(Decimal.parseASCII("1.234,50", decimal: UInt8(ascii: ","), thousands: UInt8(ascii: ".")).value == Decimal(string: "1234.5"))
        #expect(Decimal.parseASCII("12-").value == Decimal(-12))
        #expect(Decimal.parseASCII("1.2.3").value == nil)
        #expect(Decimal.parseASCII("12a").value == nil)
        #expect(Decimal.parseASCII("-").value == nil)
        #expect(Decimal.parseASCII("1234567890123456789012").general, "more than 18 digits take the general path")
        #expect(Decimal(plain: "1 2") == nil && Decimal(plain: " 1") == nil, "plain text has no spaces")
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<5_000 {
            let text =
                String(Int.random(in: -9_999_999...9_999_999, using: &rng))
                + (Bool.random(using: &rng) ? "." + String(Int.random(in: 0...9_999, using: &rng)) : "")
            #expect(Decimal.parseASCII(text).value == Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), "'\(text)'")
        }
    }
}

/// The byte-wise matcher for simple patterns must agree with NSRegularExpression.
@Suite("Simple patterns")
struct SimplePatternTests {
    @Test func agreesWithNSRegularExpression() throws {
        let patterns = ["^[0-9]{8,14}$", "^[A-Z0-9-]+$", "^\\d{13}$", "^[a-c]*$", "^[0-9]{3,}$", "^[xyz]$", "^[0-9]{2}$"]
        let alphabet: [String] = ["0", "5", "9", "a", "b", "c", "A", "Z", "-", " ", "x", "é", "\n", "٣"]
        var rng = SeededGenerator(seed: 3)
        for pattern in patterns {
            let box = try RegexBox(pattern)
            #expect(box.simple != nil, "\(pattern) takes the fast path")
            let regex = try NSRegularExpression(pattern: pattern)
            for _ in 0..<2_000 {
                let text = (0..<Int.random(in: 0...16, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                let expected = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(box.matches(text) == expected, "\(pattern) on '\(text.debugDescription)'")
            }
        }
        for complex in ["^[^0-9]+$", "^[0-9]+x$", "[0-9]{3}", "^(ab)+$", "^[\\w]+$"] { #expect(SimplePattern(complex) == nil, "\(complex)") }
    }

    /// Whole numbers are read without `Decimal` (``ExactNumber``): on any text, in any number
    /// format, the value must be the one the general parser gives.
    @Test func wholeNumbersMatchTheGeneralParser() {
        var german = FieldRule.NumberFormat()
        german.decimalSeparator = ","
        german.thousandsSeparator = "."
        var swiss = FieldRule.NumberFormat()
        swiss.thousandsSeparator = "'"
        let alphabet: [String] = ["0", "1", "7", "9", "-", "+", ".", ",", "'", " ", "\t", "e", "١"]
        var rng = SeededGenerator(seed: 17)
        var wholes = 0
        for round in 0..<30_000 {
            let text = (0..<Int.random(in: 0...22, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            for format in [nil, german, swiss] {
                let exact = ExactNumber(text, number: format)
                let general = FieldRule.parseNumber(text, number: format)
                #expect(exact?.decimal == general, "round \(round): '\(text)'")
                if case .whole = exact { wholes += 1 }
            }
        }
        #expect(wholes > 1_000, "the whole-number path must be taken")
        #expect(ExactNumber("1.234", number: german) == .whole(1234))
        #expect(ExactNumber("12-", number: nil) == .whole(-12))
        #expect(ExactNumber("1234567890123456789", number: nil) == .decimal(Decimal(string: "1234567890123456789")!))
    }
}
