import Foundation

/// Runs the built `joorbridge` binary, as a user would, and captures what it did.
public enum Executable {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `joorbridge` binary next to the test bundle (`swift test` builds it first).
    public static var joorbridge: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
        let candidate = dir.appendingPathComponent("joorbridge")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/joorbridge")
    }

    /// Runs `joorbridge` with `arguments` in `directory` (the repository root by default).
    ///
    /// The waiting happens on a GCD thread, never on Swift's cooperative pool: a test's in-process
    /// sandbox needs those threads to answer the child process.
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 120
    ) async throws -> Outcome {
        try await offPool { try runBlocking(arguments, in: directory, environment: environment, timeout: timeout) }
    }

    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func runBlocking(_ arguments: [String], in directory: String?, environment: [String: String], timeout: TimeInterval) throws -> Outcome {
        let process = Process()
        process.executableURL = joorbridge
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? Fixtures.repositoryRoot.path)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        stop(process)
        group.wait()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Stops a child that outlived its time: SIGTERM (joorbridge finishes the file in hand), then
    /// SIGKILL after `grace` seconds, so a stuck child can never hang the suite.
    public static func stop(_ process: Process, grace: TimeInterval = 10) {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
    }
}

extension Executable {
    /// Starts `joorbridge` and kills it with SIGKILL after `delay`; returns its exit status
    /// (or the signal) and standard error.
    public static func runAndKill(
        _ arguments: [String], in directory: String, environment: [String: String], after delay: TimeInterval
    ) async throws -> (status: Int32, killed: Bool, stderr: String) {
        try await offPool { try runAndKillBlocking(arguments, in: directory, environment: environment, after: delay) }
    }

    static func runAndKillBlocking(
        _ arguments: [String], in directory: String, environment: [String: String], after delay: TimeInterval
    ) throws -> (status: Int32, killed: Bool, stderr: String) {
        let process = Process()
        process.executableURL = joorbridge
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(delay)
        while process.isRunning && Date() < deadline { usleep(1_000) }
        var killed = false
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            killed = true
        }
        process.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, killed || process.terminationReason == .uncaughtSignal, text)
    }
}

/// A `joorbridge` started in the background (watch mode), to signal and wait for.
public final class RunningExecutable: @unchecked Sendable {
    let process = Process()
    private let group = DispatchGroup()
    private var outData = Data(), errData = Data()

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public init(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws {
        process.executableURL = Executable.joorbridge
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        DispatchQueue.global().async(group: group) { self.outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { self.errData = err.fileHandleForReading.readDataToEndOfFile() }
    }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Sends `number` the moment `condition` holds (polled every 5 ms off the cooperative pool);
    /// `false` if it did not hold within `timeout` (nothing is sent then).
    public func signal(_ number: Int32, when condition: @escaping @Sendable () -> Bool, timeout: TimeInterval = 30) async throws -> Bool {
        try await Executable.offPool { [self] in
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition() {
                    kill(process.processIdentifier, number)
                    return true
                }
                usleep(5_000)
            }
            return false
        }
    }

    /// Waits (off the cooperative pool) for the process to end; kills it after `timeout`.
    public func wait(timeout: TimeInterval = 60) async throws -> Executable.Outcome {
        try await Executable.offPool { [self] in
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            Executable.stop(process)
            group.wait()
            return Executable.Outcome(
                status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
        }
    }

    /// Polls `condition` (off the pool) every 20 ms until it holds or `timeout` passes (generous by
    /// default: it proves that something happens, not how fast; a loaded CI machine is slow).
    public static func until(timeout: TimeInterval = 120, _ condition: @escaping @Sendable () -> Bool) async throws -> Bool {
        try await Executable.offPool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition() { return true }
                usleep(20_000)
            }
            return condition()
        }
    }
}
