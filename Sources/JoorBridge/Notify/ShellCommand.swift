import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `/bin/sh -c COMMAND` with bytes on its standard input and a time limit.
///
/// The child gets its own process group and default signal handling (joorbridge itself catches
/// SIGTERM), so at the limit the whole group — the shell and anything it started — is killed;
/// what the shell leaves in the background when it exits may finish within the same limit.
/// Its standard output goes to joorbridge's standard error.
struct ShellCommand {
    enum Outcome: Equatable {
        case exited(Int32)
        case timedOut
        case couldNotStart(String)
    }

    let command: String
    /// The child's whole environment (nothing is inherited beyond it).
    let environment: [String: String]

    func run(input: Data, timeout: Double) -> Outcome {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return .couldNotStart(Errno.current.description) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        posix_spawn_file_actions_addclose(&actions, readEnd)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let arguments = ["/bin/sh", "-c", command]
        let environmentLines = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(environmentLines) { envp in posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp) }
        }
        close(readEnd)
        guard status == 0 else {
            close(writeEnd)
            return .couldNotStart(Errno(rawValue: status).description)
        }
        // Write the input from another thread: a command that does not read it must not block us.
        let writer = Thread {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(writeEnd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeEnd)
        }
        signal(SIGPIPE, SIG_IGN)
        writer.start()

        let deadline = Date().addingTimeInterval(timeout)
        var waitStatus: Int32 = 0
        while true {
            let done = waitpid(pid, &waitStatus, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { return .exited(-1) }
            if Date() >= deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &waitStatus, 0)
                return .timedOut
            }
            usleep(10_000)
        }
        // The shell is gone. What it started in the background may still be at work (`mail`
        // returns while its sendmail hands the message on): the group gets until the time limit,
        // then anything left of it is killed.
        while kill(-pid, 0) == 0 && Date() < deadline { usleep(10_000) }
        kill(-pid, SIGKILL)
        let exited = waitStatus & 0x7f == 0
        return .exited(exited ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f))
    }

    private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
