import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ends a blocking libssh call that has waited too long for the server.
///
/// libssh's SFTP calls wait for the server's answer without a limit (libssh 0.10 reads again
/// after a read times out), so a server that stalls mid-session would hang joorbridge. While an
/// operation is in progress the watchdog looks four times a second; once the operation has gone
/// `limit` without progress it shuts the session's socket down, the call fails, and the client
/// reports a timeout. Shutting a socket down does not close its descriptor, so libssh's own
/// cleanup stays safe.
final class Watchdog: Sendable {
    private struct State {
        var limit: Duration
        var fd: Int32 = -1
        var since: ContinuousClock.Instant?
        var fired = false
    }

    /// Shared with the timer's handler (which must not hold the watchdog itself, or it would never be freed).
    private final class Shared: Sendable {
        let mutex: Mutex<State>
        init(_ state: State) { mutex = Mutex(state) }
    }

    private let shared: Shared
    nonisolated(unsafe) private let timer: DispatchSourceTimer

    init(limit: Duration) {
        let shared = Shared(State(limit: limit))
        self.shared = shared
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer.setEventHandler {
            shared.mutex.withLock { state in
                guard let since = state.since, !state.fired, state.fd >= 0, ContinuousClock.now - since > state.limit else { return }
                state.fired = true
                shutdown(state.fd, Int32(SHUT_RDWR))
            }
        }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// The socket to shut down, and the limit from now on.
    func watch(fd: Int32, limit: Duration) {
        shared.mutex.withLock {
            $0.fd = fd
            $0.limit = limit
        }
    }

    func setLimit(_ limit: Duration) { shared.mutex.withLock { $0.limit = limit } }

    /// An operation starts (or makes progress: a block of a transfer arrived).
    func begin() { shared.mutex.withLock { $0.since = .now } }

    func end() { shared.mutex.withLock { $0.since = nil } }

    /// Whether the watchdog cut the connection.
    var fired: Bool { shared.mutex.withLock { $0.fired } }
}
