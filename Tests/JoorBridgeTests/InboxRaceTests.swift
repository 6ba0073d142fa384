import Foundation
import TestSupport
import Testing

@testable import JoorBridge

/// The inbox changes under joorbridge's feet: a file listed as ready may be gone when it is claimed.
@Suite("Inbox races")
struct InboxRaceTests {
    @Test func aFileRemovedBetweenListingAndClaimingIsSkippedNotAnError() throws {
        let dir = try TemporaryDirectory("inbox-race")
        var settings = Inbox.Settings()
        settings.settleSeconds = 0
        let inbox = try Inbox(
            inbox: dir.path("inbox"), processing: dir.path("processing"), archive: dir.path("archive"), error: dir.path("error"), settings: settings)
        try dir.write("inbox/a.csv", text: "x\n")
        try dir.write("inbox/b.csv", text: "y\n")
        let (ready, _) = try inbox.ready()
        #expect(ready.map(\.name).sorted() == ["a.csv", "b.csv"])
        try FileManager.default.removeItem(atPath: dir.path("inbox/a.csv"))  // the WMS took it back
        #expect(try inbox.claim("a.csv") == nil)
        #expect(try inbox.claim("b.csv") == dir.path("processing/b.csv"))
        #expect(try inbox.claimed() == ["b.csv"])
    }

    /// An inbox that cannot be listed (here: gone, as a dropped share's folder is) is an error
    /// naming the folder, not an empty inbox: a run that finds nothing there says why.
    @Test func anInboxThatCannotBeListedIsAnErrorNotEmpty() throws {
        let dir = try TemporaryDirectory("inbox-gone")
        let inbox = try Inbox(
            inbox: dir.path("inbox"), processing: dir.path("processing"), archive: dir.path("archive"), error: dir.path("error"),
            settings: Inbox.Settings())
        try FileManager.default.removeItem(atPath: dir.path("inbox"))
        try FileManager.default.removeItem(atPath: dir.path("processing"))
        let listing = #expect(throws: FileSystemError.self) { try inbox.ready() }
        #expect(listing?.description == dir.path("inbox") + ": cannot list the folder: No such file or directory")
        #expect(throws: FileSystemError.self) { try inbox.claimed() }
    }
}
