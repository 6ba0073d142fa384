import ArgumentParser
import JoorAPI
import JoorBridge
import Mapping

/// joorbridge's exit codes (sysexits-style), documented in the README and in `--help`.
enum ExitStatus: Int32 {
    /// All done.
    case success = 0
    /// Done, but some records or files were rejected (or JOOR withholds orders it flags Failed).
    case partial = 3
    /// The command line was wrong.
    case usage = 64
    /// JOOR could not be reached or kept failing reads, or it rejected the API token (`check --connect`: an SFTP
    /// server could not be reached or refused the login).
    case unavailable = 69
    /// Another run holds the lock.
    case locked = 75
    /// The configuration or a mapping is invalid.
    case config = 78

    var exitCode: ExitCode { ExitCode(rawValue) }

    /// The exit code of how a run ended: the one place run outcomes become exit codes.
    init(_ status: RunStatus) {
        switch status {
        case .done: self = .success
        case .partial: self = .partial
        case .unavailable: self = .unavailable
        case .locked: self = .locked
        case .invalidConfig: self = .config
        }
    }

    /// The exit code of an error a command did not map itself: the library's typed failures by
    /// their meaning; anything else is a file, folder or port the command line named that cannot
    /// be used (`orders adopt --file`, `init DIR`, `preview --output-dir`, `sandbox --port`).
    init(failure: any Error) {
        switch failure {
        case is RunLock.Held: self = .locked
        case is ConfigError, is MappingErrors, is StateStoreError: self = .config
        case is JoorAPIError: self = .unavailable
        default: self = .usage
        }
    }

    static let helpText = """
        Exit codes:
          0   all done
          3   done, but some records or files were rejected (or JOOR withholds orders)
          64  usage error, or a file, folder or port named on the command line cannot be used
          69  JOOR unreachable or failing, or the API token was rejected (check --connect: an SFTP server)
          75  another run holds the lock
          78  configuration or mapping invalid
        """
}

/// Jobs are named on the command line (`joorbridge run orders inventory`).
extension Job: ExpressibleByArgument {}
