import Foundation
import HTTPTypes
import Hummingbird
import JoorModels
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
import Synchronization

/// A local stand-in for JOOR on 127.0.0.1: the v2 orders, bulk inventory and bulk style APIs
/// with JOOR's semantics (auth, export flags, paging, rate limit, per-item validation), plus
/// read-back and fault-injection endpoints under `/sandbox/`. The routes and their middleware
/// are in ``SandboxRouter``; this type starts and stops the server.
///
/// ```swift
/// let sandbox = try await JoorSandboxServer(configuration: config)
/// let port = try await sandbox.start()
/// … // talk to http://127.0.0.1:\(port)
/// await sandbox.stop()
/// ```
public final class JoorSandboxServer: Sendable {
    public let configuration: SandboxConfiguration
    public let state: SandboxState
    private struct Running: Sendable {
        var task: Task<Void, Error>
        var group: ServiceGroup
    }
    private let running = Mutex<Running?>(nil)
    private let boundPort = Mutex<Int>(0)
    private let logger: Logger

    public init(configuration: SandboxConfiguration, logger: Logger? = nil) async throws {
        self.configuration = configuration
        state = try await SandboxState(configuration: configuration)
        var quiet = Logger(label: "joorbridge.sandbox")
        quiet.logLevel = .error
        self.logger = logger ?? quiet
    }

    /// The base URL clients use (`http://127.0.0.1:PORT`), once started.
    public var baseURL: String { "http://127.0.0.1:\(boundPort.withLock { $0 })" }

    /// Starts serving and returns the bound port.
    ///
    /// The server runs on its own executor (``SandboxExecutor``), not on Swift's cooperative pool:
    /// a test process whose other tests keep that pool busy would otherwise starve the sandbox, and
    /// a client in the same process would see timeouts that JOOR never causes.
    @discardableResult
    public func start() async throws -> Int {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: SandboxRouter.build(state: state, configuration: configuration),
            configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: "joor-sandbox"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        let task: Task<Void, Error>
        if #available(macOS 15.0, *) {
            task = Task(executorPreference: SandboxExecutor.shared) { try await group.run() }
        } else {
            task = Task { try await group.run() }
        }
        running.withLock { $0 = Running(task: task, group: group) }
        for await port in ports {
            boundPort.withLock { $0 = port }
            return port
        }
        await group.triggerGracefulShutdown()
        _ = try await task.value
        throw SandboxRefusal("the sandbox could not start on port \(configuration.port)")
    }

    /// Stops serving and waits until the server has shut down: gracefully (requests in flight are
    /// answered, idle connections closed), so no NIO writer is left unfinished.
    public func stop() async {
        let running = running.withLock { running in
            defer { running = nil }
            return running
        }
        guard let running else { return }
        await running.group.triggerGracefulShutdown()
        _ = try? await running.task.value
    }

    /// Serves until the surrounding task is cancelled (the `joorbridge sandbox` command), then shuts
    /// down gracefully.
    public func runUntilCancelled() async throws {
        try await start()
        guard let running = running.withLock({ $0 }) else { return }
        try await withTaskCancellationHandler {
            _ = try await running.task.value
        } onCancel: {
            Task { await running.group.triggerGracefulShutdown() }
        }
    }
}
