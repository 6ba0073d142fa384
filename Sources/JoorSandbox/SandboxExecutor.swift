import Foundation

/// Where the sandbox's tasks run: a few threads of its own, so nothing else in the process can
/// starve it — neither work that keeps Swift's cooperative pool busy (tests running in parallel)
/// nor work that blocks Dispatch's threads (helpers waiting for child processes). Default actors
/// (``SandboxState``) follow a task's executor preference, so the sandbox's state is served here too.
final class SandboxExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = SandboxExecutor(threads: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "joorbridge.sandbox.\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: executor)
        }
    }
}
