import AsyncHTTPClient
import NIOCore
import NIOPosix
import Synchronization

/// The HTTP clients behind ``JoorClient``: one per connect timeout for the whole process.
///
/// AsyncHTTPClient would retry a failed connection with backoff until each request's deadline
/// (a minute per attempt against a host that refuses connections); here a failed connection fails
/// the request at once and ``JoorClient`` decides, so the time an unreachable JOOR can hold a run
/// is bounded by ``RetryPolicy/connectAttempts`` and the connect timeout. The clients live as long
/// as the process (AsyncHTTPClient wants a client shut down before it is released).
enum JoorHTTP {
    private static let clients = Mutex<[Int64: HTTPClient]>([:])

    static func client(connectTimeout: Duration) -> HTTPClient {
        let milliseconds = max(1, connectTimeout.nanoseconds / 1_000_000)
        return clients.withLock { clients in
            if let client = clients[milliseconds] { return client }
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .milliseconds(milliseconds))
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[milliseconds] = client
            return client
        }
    }

    /// Whether `error` means no connection was made (refused, unreachable, name not found, connect
    /// timeout): the request was not sent, so trying again is safe for any request.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if error is NIOConnectionError { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ETIMEDOUT].contains(error.errnoCode)
        }
        return false
    }
}
