import Foundation
import TestSupport
import Testing

@testable import Mapping

/// A row of named values, for testing rules without files.
struct DictionaryRow: RowSource {
    var values: [String: String]
    var line: Int = 7
    func value(_ ref: SourceRef) -> String? {
        if case .header(let name) = ref { return values[name] }
        return nil
    }
}

/// Compiles one products-mapping field rule (products accept any type) from YAML.
func rule(_ yaml: String, lookups: String = "") throws -> FieldRule {
    let file = try MappingFile.compile(
        """
        version: 1
        kind: products
        source: { format: csv }
        fields:
          style_number: \(yaml)
          style_name: { const: "Name" }
        \(lookups)
        """, path: "r.yml")
    guard case .inbound(let mapping) = file.body else { fatalError() }
    return mapping.fields[0]
}

func apply(_ r: FieldRule, _ values: [String: String]) -> Result<FieldValue?, RuleFailure> {
    r.evaluate(DictionaryRow(values: values))
}

@Suite("Rule steps")
struct RuleTests {
    @Test func fromTrimDefaultAndRequired() throws {
        #expect(try apply(rule("{ from: A }"), ["A": "  x  "]).get() == .string("x"))
        #expect(try apply(rule("{ from: A, trim: false }"), ["A": " x "]).get() == .string(" x "))
        #expect(try apply(rule("{ from: A, default: D }"), ["A": ""]).get() == .string("D"))
        #expect(try apply(rule("{ from: A }"), [:]).get() == nil)
        guard case .failure(let f) = apply(try rule("{ from: A, required: true }"), ["A": " "]) else {
            Issue.record()
            return
        }
        #expect(f.reason == "is required but empty")
        #expect(f.field == "style_number")
    }

    @Test func constConcatAndExpressions() throws {
        #expect(try apply(rule("{ const: X }"), [:]).get() == .string("X"))
        #expect(try apply(rule(#"{ concat: "{Style}-{Color}" }"#), ["Style": "FS", "Color": "110"]).get() == .string("FS-110"))
        #expect(try apply(rule(#"{ expr: "{On Hand} - {Allocated}", type: integer }"#), ["On Hand": "10", "Allocated": "3"]).get() == .integer(7))
        #expect(
            try apply(rule(#"{ expr: "{Cases} * {Per Case} + {Loose}", type: integer }"#), ["Cases": "3", "Per Case": "12", "Loose": ""]).get()
                == .integer(36))
        #expect(try apply(rule(#"{ expr: "({A} + {B}) / 4", type: decimal }"#), ["A": "1", "B": "2"]).get() == .decimal(Decimal(string: "0.75")!))
        guard case .failure(let f) = apply(try rule(#"{ expr: "{A} - 1" }"#), ["A": "ten"]) else {
            Issue.record()
            return
        }
        #expect(f.reason.contains("'A' is not a number"))
    }

    @Test func replaceCaseSplitPadTruncate() throws {
        #expect(try apply(rule(#"{ from: A, replace: { "ä": "ae" }, case: upper }"#), ["A": "bär"]).get() == .string("BAER"))
        #expect(try apply(rule(#"{ from: A, replace: [ { pattern: "^0+", with: "" } ] }"#), ["A": "000123"]).get() == .string("123"))
        #expect(try apply(rule(#"{ from: A, split: { on: "-", take: [0, 1], join: "-" } }"#), ["A": "FS-1001-110-M"]).get() == .string("FS-1001"))
        #expect(try apply(rule(#"{ from: A, split: { on: "-", take: [-1] } }"#), ["A": "FS-1001-110-M"]).get() == .string("M"))
        #expect(try apply(rule(#"{ from: A, pad: { length: 3, with: "0" } }"#), ["A": "7"]).get() == .string("007"))
        #expect(try apply(rule(#"{ from: A, pad: { length: 4, with: "x", side: right } }"#), ["A": "7"]).get() == .string("7xxx"))
        #expect(try apply(rule("{ from: A, truncate: 3 }"), ["A": "abcdef"]).get() == .string("abc"))
        guard case .failure = apply(try rule(#"{ from: A, split: { on: "-", take: [3] } }"#), ["A": "a-b"]) else {
            Issue.record()
            return
        }
    }

    @Test func lookupOnMissing() throws {
        let tables = "lookups:\n  wh: { HH: Hamburg }"
        #expect(try apply(rule("{ from: A, lookup: wh }", lookups: tables), ["A": "HH"]).get() == .string("Hamburg"))
        #expect(try apply(rule("{ from: A, lookup: wh, on_missing: keep }", lookups: tables), ["A": "X"]).get() == .string("X"))
        #expect(try apply(rule("{ from: A, lookup: wh, on_missing: default, default: Main }", lookups: tables), ["A": "X"]).get() == .string("Main"))
        guard case .failure(let f) = apply(try rule("{ from: A, lookup: wh }", lookups: tables), ["A": "X"]) else {
            Issue.record()
            return
        }
        #expect(f.reason == "is not in the lookup 'wh'")
    }

    @Test func lookupFromACSVFile() throws {
        let dir = try TemporaryDirectory()
        try dir.write("wh.csv", text: "Code,Name\nHH,Hamburg Süd\nMUC,München\n")
        let mappingPath = try dir.write(
            "m.yml",
            text: """
                version: 1
                kind: inventory
                source: { format: csv }
                fields:
                  upc: EAN
                  inventory: Qty
                  warehouse: { from: WH, lookup: wh }
                lookups:
                  wh: { file: wh.csv, key: Code, value: Name, ignore_case: true }
                """)
        let file = try MappingFile.load(path: mappingPath)
        guard case .inbound(let mapping) = file.body else {
            Issue.record()
            return
        }
        #expect(try apply(mapping.fields[2], ["WH": "muc"]).get() == .string("München"))
        // A tab-separated lookup file: `tab` names the delimiter, as in source.csv.
        try dir.write("wh.tsv", text: "Code\tName\nHH\tHamburg Süd\n")
        let tabbed = try dir.write(
            "t.yml",
            text: try String(contentsOfFile: mappingPath, encoding: .utf8).replacingOccurrences(
                of: "file: wh.csv", with: "file: wh.tsv, delimiter: tab"))
        guard case .inbound(let tsv) = try MappingFile.load(path: tabbed).body else {
            Issue.record()
            return
        }
        #expect(try apply(tsv.fields[2], ["WH": "hh"]).get() == .string("Hamburg Süd"))
        let doubled = try dir.write(
            "d.yml",
            text: try String(contentsOfFile: mappingPath, encoding: .utf8).replacingOccurrences(
                of: "file: wh.csv", with: "file: wh.csv, delimiter: \";;\""))
        #expect(throws: MappingErrors.self) { try MappingFile.load(path: doubled) }
        do { _ = try MappingFile.load(path: doubled) } catch {
            #expect(
                error.errors.contains { $0.location.line == 9 && $0.message == "lookup 'wh'.delimiter must be one character (or tab), not ';;'" },
                "\(error)")
        }
    }

    /// `required: true` holds for the value the steps made, not only for the source: a replace,
    /// split or lookup that empties it rejects the row instead of sending an empty UPC.
    @Test func requiredHoldsAfterReplaceSplitAndLookup() throws {
        let cases: [(String, String, String)] = [
            (#"{ from: A, required: true, replace: [ { pattern: "^0+$", with: "" } ] }"#, "0000000000000", "0000000000000"),
            (#"{ from: A, required: true, split: { on: "-", take: [1] } }"#, "FS-", "FS-"),
            ("{ from: A, required: true, lookup: blank }", "X", "X"),
        ]
        for (yaml, input, shown) in cases {
            guard case .failure(let failure) = apply(try rule(yaml, lookups: "lookups:\n  blank: { X: \"\" }"), ["A": input]) else {
                Issue.record("\(yaml) passed '\(input)'")
                continue
            }
            #expect(failure.reason == "is required, and its replace, split or lookup left it empty" && failure.value == shown, "\(failure)")
        }
        #expect(
            try apply(rule(#"{ from: A, replace: [ { pattern: "^0+$", with: "" } ] }"#), ["A": "000"]).get() == .string(""), "not required: empty")
    }

    /// Settings that would do nothing where they stand are mapping errors at their line.
    @Test func settingsThatWouldDoNothingAreRefused() {
        let cases: [(String, String)] = [
            (
                "{ from: A, type: integer, truncate: 3 }",
                "field 'style_number'.truncate cuts text, and this field's type is integer; leave truncate out or say type: string"
            ),
            (
                #"{ from: A, number: { decimals: 2, output_decimal: "," } }"#,
                "field 'style_number'.number reads and writes numbers, and this field's type is string; say type: decimal (or integer)"
            ),
            (
                "{ from: A, type: integer, clamp: { max: 99.5 } }",
                "field 'style_number'.clamp.max must be a whole number for an integer field, not '99.5'"
            ),
            (
                #"{ from: A, when: { field: B, not_equals: A, matches: "^X" } }"#,
                "field 'style_number'.when has 2 tests (not_equals, matches) where one is read; write all: [ { field: B, not_equals: … }, { field: B, matches: … } ] to need every one"
            ),
        ]
        for (yaml, message) in cases {
            let error = #expect(throws: MappingErrors.self, "\(yaml)") { _ = try rule(yaml) }
            #expect(error?.errors.contains { $0.message == message } == true, "\(String(describing: error))")
        }
        #expect((try? rule(#"{ expr: "{A} * 2", number: { decimal: "," } }"#)) != nil, "expr reads its operands with number:")
    }

    /// A thousands separator stands after the first one to three digits, then after every three:
    /// with `thousands: "."`, `12.5` (a decimal point where a comma was expected) and `1.2.3` are
    /// refused, where taking the separators out read them as 125 and 123.
    @Test func thousandsSeparatorsMustGroupByThree() throws {
        for type in ["integer", "decimal"] {
            let german = try rule("{ from: A, type: \(type), number: { decimal: \",\", thousands: \".\" } }")
            for good in ["1.234", "-12.345.678", "999", "1.000-", "0"] {
                #expect((try? apply(german, ["A": good]).get()) != nil, "\(type) '\(good)'")
            }
            for bad in ["12.5", "1.2.3", "1234.567", ".123", "1.", "1.2345", "-12.34"] {
                #expect((try? apply(german, ["A": bad]).get()) == nil, "\(type) '\(bad)' is not a number")
            }
        }
        let decimal = try rule(#"{ from: A, type: decimal, number: { decimal: ",", thousands: "." } }"#)
        #expect(try apply(decimal, ["A": "1.234.567,5"]).get() == .decimal(Decimal(string: "1234567.5")!))
        #expect((try? apply(decimal, ["A": "12.34,5"]).get()) == nil)
        let swiss = try rule(#"{ from: A, type: decimal, number: { thousands: "’" } }"#)
        #expect(try apply(swiss, ["A": "1’234.5"]).get() == .decimal(Decimal(string: "1234.5")!), "the general path, a non-ASCII separator")
        #expect((try? apply(swiss, ["A": "12’34.5"]).get()) == nil)
    }

    @Test func numbersWithSeparatorsTypesAndRanges() throws {
        let german = #"{ from: A, type: decimal, number: { decimal: ",", thousands: "." } }"#
        #expect(try apply(rule(german), ["A": "1.234,5"]).get() == .decimal(Decimal(string: "1234.5")!))
        #expect(try apply(rule("{ from: A, type: integer }"), ["A": "12-"]).get() == .integer(-12))
        #expect(try apply(rule("{ from: A, type: integer }"), ["A": "12.0"]).get() == .integer(12))
        guard case .failure(let f) = apply(try rule("{ from: A, type: integer }"), ["A": "12.5"]) else {
            Issue.record()
            return
        }
        #expect(f.reason == "is not a whole number")
        guard case .failure(let g) = apply(try rule("{ from: A, type: integer, min: 0, max: 10 }"), ["A": "11"]) else {
            Issue.record()
            return
        }
        #expect(g.reason == "is above the maximum 10")
        #expect(try apply(rule("{ from: A, type: boolean }"), ["A": "Yes"]).get() == .boolean(true))
        let r = try rule(#"{ from: A, type: decimal, number: { decimals: 2, output_decimal: "," } }"#)
        #expect(r.formatted(try apply(r, ["A": "45"]).get()!) == "45,00")
    }

    /// `clamp` bounds a number and keeps the row; `min`/`max` reject it.
    @Test func clampBoundsWithoutRejecting() throws {
        let clamped = try rule("{ expr: \"{A} - {B}\", type: integer, clamp: { min: 0 } }")
        #expect(try apply(clamped, ["A": "2", "B": "5"]).get() == .integer(0), "oversold: 0, not a rejection")
        #expect(try apply(clamped, ["A": "9", "B": "5"]).get() == .integer(4))
        #expect(try apply(rule("{ from: A, clamp: { min: 0, max: 100 } }"), ["A": "250"]).get() == .string("100"))
        #expect(try apply(rule("{ from: A, type: decimal, clamp: { max: 1.5 } }"), ["A": "2.25"]).get() == .decimal(Decimal(string: "1.5")!))
        guard case .failure(let f) = apply(try rule("{ from: A, clamp: { min: 0 } }"), ["A": "many"]) else {
            Issue.record()
            return
        }
        #expect(f.reason == "is not a number, so clamp cannot bound it")
        guard case .failure(let g) = apply(try rule("{ from: A, type: integer, min: 0 }"), ["A": "-3"]) else {
            Issue.record()
            return
        }
        #expect(g.reason == "is below the minimum 0")
        #expect(throws: MappingErrors.self) { try rule("{ from: A, clamp: {} }") }
        #expect(throws: MappingErrors.self) { try rule("{ from: A, clamp: { min: 5, max: 1 } }") }
    }

    @Test func patternCheck() throws {
        guard case .failure(let f) = apply(try rule(#"{ from: A, pattern: "^[0-9]{8,14}$" }"#), ["A": "12AB"]) else {
            Issue.record()
            return
        }
        #expect(f.value == "12AB")
        #expect(try apply(rule(#"{ from: A, pattern: "^[0-9]{8,14}$" }"#), ["A": "000000000017"]).get() == .string("000000000017"))
    }

    @Test func whenConditions() throws {
        let r = try rule(#"{ from: A, when: { field: Status, in: [A, B] } }"#)
        #expect(try apply(r, ["A": "x", "Status": "B"]).get() == .string("x"))
        #expect(try apply(r, ["A": "x", "Status": "C"]).get() == nil)
        let all = try rule(#"{ from: A, when: { all: [ { field: S, not_empty: true }, { field: T, matches: "^X" } ] } }"#)
        #expect(try apply(all, ["A": "v", "S": "1", "T": "Xy"]).get() == .string("v"))
        #expect(try apply(all, ["A": "v", "S": "", "T": "Xy"]).get() == nil)
    }
}

@Suite("Dates")
struct DateTests {
    func convert(_ text: String, _ yaml: String) throws -> String? {
        try apply(rule("{ from: A, date: \(yaml) }"), ["A": text]).get()?.text
    }

    @Test func commonWarehouseFormats() throws {
        #expect(try convert("09/15/2025", #"{ in: "MM/dd/yyyy" }"#) == "2025-09-15")
        #expect(try convert("15/09/2025", #"{ in: "dd/MM/yyyy" }"#) == "2025-09-15")
        #expect(try convert("9/5/25", #"{ in: "M/d/yy" }"#) == "2025-09-05")
        #expect(try convert("20250915", #"{ in: "yyyyMMdd", out: "dd.MM.yyyy" }"#) == "15.09.2025")
        #expect(try convert("15-Sep-2025", #"{ in: "dd-MMM-yyyy" }"#) == "2025-09-15")
        #expect(try convert("15.09.2025", #"{ in: ["dd/MM/yyyy", "dd.MM.yyyy"] }"#) == "2025-09-15")
        // Each time field lands in its own place (hours, minutes, seconds all differ).
        #expect(
            try convert("15.09.2025 07:42:31", #"{ in: "dd.MM.yyyy HH:mm:ss", out: "yyyy-MM-dd'T'HH:mm:ss" }"#) == "2025-09-15T07:42:31")
    }

    @Test func dateOnlyValuesNeverShiftADay() throws {
        #expect(try convert("2025-09-15", #"{ in: iso8601, out: "yyyy-MM-dd", time_zone: "Pacific/Honolulu" }"#) == "2025-09-15")
        #expect(try convert("2025-09-15", #"{ in: iso8601, out: "yyyy-MM-dd", time_zone: "Pacific/Kiritimati" }"#) == "2025-09-15")
    }

    /// A time without an offset is read as time_zone's wall-clock time; with no time_zone, an
    /// output that writes an offset refuses it instead of writing 'Z' (UTC) for a local time.
    @Test func aTimeWithoutAnOffsetIsNeverWrittenAsUTC() throws {
        #expect(
            try convert("2025-06-05 10:00", #"{ in: "yyyy-MM-dd HH:mm", out: "yyyy-MM-dd'T'HH:mm:ssXXX", time_zone: Europe/Berlin }"#)
                == "2025-06-05T10:00:00+02:00")
        #expect(
            try convert("2025-01-05 10:00", #"{ in: "yyyy-MM-dd HH:mm", out: "yyyy-MM-dd'T'HH:mmXXX", time_zone: Europe/Berlin }"#)
                == "2025-01-05T10:00+01:00", "winter time")
        #expect(throws: (any Error).self) {
            try convert("2025-06-05 10:00", #"{ in: "yyyy-MM-dd HH:mm", out: "yyyy-MM-dd'T'HH:mm:ssXXX" }"#)
        }
        #expect(
            try convert("2025-06-05 10:00", #"{ in: "yyyy-MM-dd HH:mm", out: "dd.MM.yyyy HH:mm" }"#) == "05.06.2025 10:00", "no offset written: fine")
    }

    @Test func dateTimesWithOffsetMoveIntoTheTimeZone() throws {
        #expect(try convert("2025-06-06T23:30:00+00:00", #"{ in: iso8601, out: "yyyy-MM-dd", time_zone: "Europe/Berlin" }"#) == "2025-06-07")
        #expect(
            try convert("2025-06-06T23:30:00Z", #"{ in: iso8601, out: "yyyy-MM-dd'T'HH:mmXXX", time_zone: "America/New_York" }"#)
                == "2025-06-06T19:30-04:00")
        #expect(try convert("2025-06-06T23:30:00.250Z", #"{ in: iso8601, out: iso8601 }"#) == "2025-06-06T23:30:00Z")
    }

    @Test func impossibleDatesAreRejected() throws {
        guard case .failure(let f) = apply(try rule(#"{ from: A, date: { in: "dd/MM/yyyy" } }"#), ["A": "31/02/2025"]) else {
            Issue.record()
            return
        }
        #expect(f.reason.contains("is not a date in the format dd/MM/yyyy"))
        guard case .failure = apply(try rule(#"{ from: A, date: { in: "yyyy-MM-dd" } }"#), ["A": "2025-13-01"]) else {
            Issue.record()
            return
        }
        #expect(try convert("29/02/2024", #"{ in: "dd/MM/yyyy" }"#) == "2024-02-29")
    }
}

/// Conditions and expressions read CSV cells as bytes where that gives the answer `String` gives;
/// where it cannot (Unicode spaces, canonically equal spellings, numbers that are not whole), they
/// fall back to the text. Both ways must agree on every cell.
@Suite("Byte-level reads")
struct ByteLevelReadTests {
    static let cells = [
        "D", " D ", "\tD", "d", "DD", "", " ", "D\u{00A0}", "\u{00A0}D", "e\u{301}", "é", "12", " 12 ", "1.234", "12-", "+7", "-0", "1,5",
        "12\n", "١٢", "99999999999999999999", "D\t", "12 \t",
    ]

    @Test func equalsAgreesWithStringEquality() {
        for cell in Self.cells {
            for expected in ["D", "", "é", "12"] {
                let row = DictionaryRow(values: ["Status": cell])
                let text = cell.trimmed()
                #expect(Condition.equals(.header("Status"), expected).holds(row) == (text == expected), "'\(cell)' vs '\(expected)'")
                if let fast = row.equalsASCII(.header("Status"), expected) { #expect(fast == (text == expected), "'\(cell)'") }
            }
        }
        #expect(DictionaryRow(values: ["Status": "D\u{00A0}"]).equalsASCII(.header("Status"), "D") == nil, "a Unicode space: decided by the text")
    }

    @Test func expressionsAgreeWithTheTextParser() throws {
        var german = FieldRule.NumberFormat()
        german.decimalSeparator = ","
        german.thousandsSeparator = "."
        let expression = try Expression("{A} - {B}", style: .csv)
        for cell in Self.cells {
            for format in [nil, german] {
                let row = DictionaryRow(values: ["A": cell, "B": "1"])
                let text = cell.trimmed()
                let expected: ExactNumber? = text.isEmpty ? .whole(0) : ExactNumber(text, number: format)
                switch expression.evaluate(row, number: format) {
                case .success(let value):
                    #expect(expected.flatMap { ExactNumber.apply(.subtract, $0, .whole(1)) }?.decimal == value.decimal, "'\(cell)'")
                case .failure: #expect(expected == nil, "'\(cell)' should be a number")
                }
            }
        }
    }
}

/// An expression's result is typed as it is: with a German number format, `{A} / 2` = 12.5 (it
/// used to be written as "12.5" and read back in the rule's format, as 125).
@Test func expressionResultsAreNotReadBackInTheRulesFormat() throws {
    let halved = try rule(#"{ expr: "{A} / 2", type: decimal, number: { decimal: ",", thousands: "." } }"#)
    #expect(try halved.evaluate(DictionaryRow(values: ["A": "25"])).get() == .decimal(Decimal(string: "12.5")!))
    #expect(try halved.evaluate(DictionaryRow(values: ["A": "1.000"])).get() == .decimal(500))
}
