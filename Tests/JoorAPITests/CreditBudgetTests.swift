import Testing

@testable import JoorAPI

/// The client's side of JOOR's rate limit. Only lower bounds on time are asserted: a loaded
/// machine makes waits longer, never shorter.
@Suite("Credit budget")
struct CreditBudgetTests {
    @Test func aFullWindowWaitsForTheNext() async throws {
        let budget = CreditBudget(limit: 10, window: .milliseconds(400))
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try await budget.spend(5) != nil, "the first request opens a window")
        #expect(try await budget.spend(5) == nil)
        try await budget.spend(5)
        #expect(clock.now - started >= .milliseconds(400) + budget.margin)
        #expect(await budget.totalSpent == 15)
    }

    @Test func aSlowFirstRequestMovesTheWindowToItsAnswer() async throws {
        // JOOR's window opens when it receives the first request, which may be long after we sent
        // it. Ours restarts from that request's answer, so it cannot end before JOOR's.
        let budget = CreditBudget(limit: 5, window: .milliseconds(400))
        let clock = ContinuousClock()
        let window = try #require(try await budget.spend(5))
        try await Task.sleep(for: .milliseconds(300))  // the request is under way
        let answered = clock.now
        await budget.answered(window)
        try await budget.spend(5)
        #expect(clock.now - answered >= .milliseconds(400) + budget.margin, "waited a whole window after the answer, not after the send")
    }
}
