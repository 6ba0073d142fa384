import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A test hook for the crash tests: with `JOORBRIDGE_CRASH_AFTER=N` in the environment, the
/// process kills itself with SIGKILL at its N-th checkpoint; with `JOORBRIDGE_CRASH_AT=NAME`, at
/// the first checkpoint of that name. Without either, checkpoints do nothing.
enum CrashPoint {
    private static let target: Int? = ProcessInfo.processInfo.environment["JOORBRIDGE_CRASH_AFTER"].flatMap(Int.init)
    private static let targetName: String? = ProcessInfo.processInfo.environment["JOORBRIDGE_CRASH_AT"]
    private static let counter = Atomic<Int>(0)

    /// Marks a point where a crash must be survivable.
    static func hit(_ name: StaticString) {
        guard target != nil || targetName != nil else { return }
        let n = counter.add(1, ordering: .relaxed).newValue
        if n == target || targetName == name.description {
            FileHandle.standardError.write(Data("crash test: SIGKILL at checkpoint \(n) (\(name))\n".utf8))
            kill(getpid(), SIGKILL)
        }
    }
}
