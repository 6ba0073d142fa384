import Foundation
import TestSupport
import Testing

@testable import JoorBridge

@Suite("Ledger: style hashes")
struct LedgerStyleTests {
    /// `CAFÉ-01` with a precomposed É, then from another export with E + combining accent:
    /// SQLite (bytes) kept two rows and reading them into a Swift dictionary (canonical
    /// equivalence) trapped, on every later products run.
    @Test func oneStyleSpelledTwoWaysIsOneStyle() throws {
        let dir = try TemporaryDirectory("styles")
        let ledger = try Ledger(path: dir.path("state.sqlite"))
        let composed = "CAF\u{00C9}-01"
        let decomposed = "CAFE\u{0301}-01"
        #expect(Array(composed.utf8) != Array(decomposed.utf8) && composed == decomposed)
        try ledger.recordStyles([composed: "first"])
        try ledger.recordStyles([decomposed: "second"])
        let hashes = try ledger.styleHashes()
        #expect(hashes.count == 1 && hashes[composed] == "second", "\(hashes)")
    }

    /// The products job asks for a page of styles at a time, not the whole catalogue: found
    /// under either spelling, in chunks past SQLite's comfortable argument counts, unknown
    /// styles left out.
    @Test func hashesAreReadForTheStylesAskedFor() throws {
        let dir = try TemporaryDirectory("styles")
        let ledger = try Ledger(path: dir.path("state.sqlite"))
        var recorded = Dictionary(uniqueKeysWithValues: (0..<1_200).map { ("S-\($0)", "h\($0)") })
        recorded["CAF\u{00C9}-01"] = "accented"
        try ledger.recordStyles(recorded)
        let asked = (0..<1_300).map { "S-\($0)" } + ["CAFE\u{0301}-01"]
        let found = try ledger.styleHashes(of: asked)
        #expect(found.count == 1_201)
        #expect(found["S-0"] == "h0" && found["S-1199"] == "h1199" && found["S-1200"] == nil)
        #expect(found.keys.contains { Array($0.utf8) == Array("CAFE\u{0301}-01".utf8) }, "under the spelling asked for")
        #expect(try ledger.styleHashes(of: []).isEmpty)
    }
}
