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
}
