import Dispatch

/// Where the sandbox's tasks run: threads of its own (a Dispatch queue), so a process whose other
/// work keeps Swift's cooperative pool busy (tests running in parallel) cannot starve the sandbox.
/// Default actors (``SandboxState``) follow a task's executor preference, so its state is served
/// here too.
final class SandboxExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = SandboxExecutor()

    private let queue = DispatchQueue(label: "joorbridge.sandbox", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
