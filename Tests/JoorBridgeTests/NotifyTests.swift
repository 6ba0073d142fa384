import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import JoorBridge
@testable import JoorSandbox

/// A webhook receiver on loopback: records every POST body and answers with the next status in `statuses`.
final class WebhookListener: Sendable, TestResource {
    let bodies = Mutex<[Data]>([])
    let statuses: Mutex<[Int]>
    private let task = Mutex<(Task<Void, Error>, ServiceGroup)?>(nil)
    private(set) nonisolated(unsafe) var port = 0

    init(statuses: [Int] = []) { self.statuses = Mutex(statuses) }

    var url: String { "http://127.0.0.1:\(port)/hook?secret=s3cr3t" }
    var received: [Data] { bodies.withLock { $0 } }

    func start() async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.bodies.withLock { $0.append(Data(buffer: body)) }
                let status = self.statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
                return Response(status: .init(code: status))
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "webhook")))
        let running = Task { try await group.run() }
        task.withLock { $0 = (running, group) }
        for await bound in ports { port = bound }
    }

    /// Shuts the server down gracefully and waits for it.
    func stop() async {
        guard
            let (running, group) = task.withLock({ task in
                defer { task = nil }
                return task
            })
        else { return }
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}

@Suite("Alerts: notify webhook and command", .serialized)
struct NotifyTests {
    /// An inventory run whose file has one bad row (exit 3) with `notify` configured.
    func runWithRejects(notify: String, badRow: Bool = true) async throws -> (RunOutcome, InventoryHarness) {
        let h = try await InventoryHarness.start(section: notify)
        var text = "Artikel;EAN;Farbe;Groesse;Lager;Bestand;Reserviert;Zulauf;Status\r\nFS-1001;000000000017;110;S;HH;42;2;;A\r\n"
        if badRow { text += "FS-1001;000000000024;110;M;HH;lots;0;;A\r\n" }
        try h.drop("stock.csv", Array(text.utf8))
        let outcome = try await h.run()
        // As the command-line tool does after every run (it alone knows the exit code).
        let config = try BridgeConfig.load(path: h.dir.path("joorbridge.yml"), environment: [:])
        if let settings = config.notify { await Notifier(settings: settings, hiding: config.secretVariables, logger: h.logs.logger()).send(outcome) }
        return (outcome, h)
    }

    @Test func webhookGetsTheSummaryOfARunWithRejectsAndIsRetried() async throws {
        let listener = WebhookListener(statuses: [503, 200])
        try await listener.start()
        try await using(listener) { listener async throws in
            let (outcome, h) = try await runWithRejects(notify: "notify: { webhook: \"\(listener.url)\", attempts: 3 }")
            await h.stop()
            #expect(outcome.status == .partial)
            #expect(listener.received.count == 2, "a 503 is retried once, then the 200 ends it")
            let summary = try #require(try JSONSerialization.jsonObject(with: listener.received.last ?? Data()) as? [String: Any])
            #expect(summary["status"] as? String == "partial")
            let jobs = summary["jobs"] as? [[String: Any]]
            #expect((jobs?.first?["inventory"] as? [String: Any])?["rowsRejected"] as? Int == 1)
            #expect(summary["host"] as? String != nil)
            #expect(!h.logs.text.contains("s3cr3t"), "the webhook's query string is not logged")
        }
    }

    @Test func cleanRunsSendNothingUnlessAskedToAlways() async throws {
        let listener = WebhookListener()
        try await listener.start()
        try await using(listener) { listener async throws in
            let (clean, h) = try await runWithRejects(notify: "notify: { webhook: \"\(listener.url)\" }", badRow: false)
            await h.stop()
            #expect(clean.status == .done)
            #expect(listener.received.isEmpty)
            let (always, h2) = try await runWithRejects(notify: "notify: { webhook: \"\(listener.url)\", when: always }", badRow: false)
            await h2.stop()
            #expect(always.status == .done)
            #expect(listener.received.count == 1)
        }
    }

    @Test func anUnreachableWebhookNeitherFailsNorHoldsUpTheRun() async throws {
        let listener = WebhookListener()
        try await listener.start()
        // A Slack-style URL: its secret is the path.
        let url = listener.url.replacingOccurrences(of: "/hook?secret=s3cr3t", with: "/services/T000/B000/XXXXsecretpath")
        await listener.stop()  // nothing listens on the port any more
        let started = Date()
        let (outcome, h) = try await runWithRejects(notify: "notify: { webhook: \"\(url)\", attempts: 5, timeout_seconds: 3 }")
        await h.stop()
        #expect(outcome.status == .partial, "the run's own result, not the webhook's")
        #expect(Date().timeIntervalSince(started) < 25, "bounded by timeout_seconds (3 s), with room for a loaded machine")
        #expect(h.logs.text.contains("did not take the run summary"))
        #expect(!h.logs.text.contains("secretpath") && h.logs.text.contains("/…"), "the path is not logged")
    }

    @Test func commandGetsTheSummaryOnStandardInput() async throws {
        let out = try TemporaryDirectory("notify-command")
        let target = out.path("summary.json")
        let (outcome, h) = try await runWithRejects(notify: "notify: { command: \"cat > '\(target)'; echo $JOORBRIDGE_STATUS > '\(target).code'\" }")
        await h.stop()
        #expect(outcome.status == .partial)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: target))) as? [String: Any]
        #expect(summary?["status"] as? String == "partial")
        #expect(try String(contentsOfFile: target + ".code", encoding: .utf8) == "partial\n")
    }

    /// What a command leaves in the background (as `mail` leaves sendmail) may finish after the
    /// shell exits, within the time limit.
    @Test func whatACommandLeavesInTheBackgroundMayFinish() async throws {
        let out = try TemporaryDirectory("notify-background")
        let target = out.path("handed-on")
        let (outcome, h) = try await runWithRejects(
            notify: "notify: { command: \"(cat > /dev/null; sleep 1; echo sent > '\(target)') & exit 0\", timeout_seconds: 10 }")
        await h.stop()
        #expect(outcome.status == .partial)
        #expect((try? String(contentsOfFile: target, encoding: .utf8)) == "sent\n", "the background part was not killed when the shell exited")
    }

    @Test func aHangingCommandIsStoppedAtTheTimeout() async throws {
        let started = Date()
        let (outcome, h) = try await runWithRejects(notify: "notify: { command: \"sleep 30\", timeout_seconds: 1 }")
        await h.stop()
        #expect(outcome.status == .partial)
        #expect(Date().timeIntervalSince(started) < 20, "stopped at the 1 s limit, not after the 30 s sleep")
        #expect(h.logs.text.contains("did not finish within 1 s"))
    }
}
