import Foundation

/// Runs a program as a child and measures it: wall time and its own peak RSS (from `wait4`).
struct Measured: Codable {
    var seconds: Double
    var peakRSSKiB: Int
    var status: Int32
}

enum ChildProcess {
    static func measure(_ arguments: [String], stdout: String? = nil) throws -> Measured {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdout { posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        var pid: pid_t = 0
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        let start = DispatchTime.now()
        let status = posix_spawnp(&pid, arguments[0], &actions, nil, &pointers, environ)
        guard status == 0 else { throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(status)))") }
        var waitStatus: Int32 = 0
        var usage = rusage()
        while wait4(pid, &waitStatus, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Measured(seconds: seconds, peakRSSKiB: Int(usage.ru_maxrss), status: (waitStatus >> 8) & 0xff)
    }
}
