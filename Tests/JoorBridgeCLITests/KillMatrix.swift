import Foundation
import TestSupport

/// Runs the binary over and over, killing it with SIGKILL: three runs in four at a seeded
/// checkpoint inside the delivery protocol (`JOORBRIDGE_CRASH_AFTER`), one at a random moment.
/// A run that finishes cleanly calls `afterCleanRun` (new work arrives while the crashes go on).
/// Records which checkpoints were hit, so a test can require each of them.
struct KillMatrix {
    var arguments: [String]
    var directory: String
    var environment: [String: String]
    var seed: UInt64
    /// Checkpoints are picked in `1...highestCheckpoint`.
    var highestCheckpoint = 40
    /// Checkpoints also aimed at by name (`JOORBRIDGE_CRASH_AT`), in turn, every eighth run: the
    /// ones a numbered kill rarely reaches (a run delivers what is pending before it pulls).
    var named: [String] = []

    struct Result {
        var kills = 0
        var checkpointKills = 0
        var cleanRuns = 0
        /// The checkpoint names the kills hit (`writing recorded`, …), with how often.
        var checkpoints: [String: Int] = [:]
    }

    func run(kills wanted: Int, afterCleanRun: (Int) async throws -> Void) async throws -> Result {
        var rng = SeededGenerator(seed: seed)
        var result = Result()
        var iteration = 0
        while result.kills < wanted && iteration < wanted * 4 {
            iteration += 1
            if !named.isEmpty, iteration % 8 == 5 {
                let name = named[(iteration / 8) % named.count]
                let run = try await Executable.run(arguments, in: directory, environment: environment.merging(["JOORBRIDGE_CRASH_AT": name]) { $1 })
                if let hit = Self.checkpoint(in: run.stderr) {
                    result.kills += 1
                    result.checkpointKills += 1
                    result.checkpoints[hit, default: 0] += 1
                } else if run.status == 0 {
                    result.cleanRuns += 1
                    try await afterCleanRun(result.cleanRuns)
                }
            } else if iteration % 4 == 3 {
                let run = try await Executable.runAndKill(
                    arguments, in: directory, environment: environment, after: Double.random(in: 0.01...0.25, using: &rng))
                if run.killed {
                    result.kills += 1
                } else if run.status == 0 {
                    result.cleanRuns += 1
                    try await afterCleanRun(result.cleanRuns)
                }
            } else {
                let target = Int.random(in: 1...highestCheckpoint, using: &rng)
                let run = try await Executable.run(
                    arguments, in: directory, environment: environment.merging(["JOORBRIDGE_CRASH_AFTER": String(target)]) { $1 })
                if let name = Self.checkpoint(in: run.stderr) {
                    result.kills += 1
                    result.checkpointKills += 1
                    result.checkpoints[name, default: 0] += 1
                } else if run.status == 0 {
                    result.cleanRuns += 1
                    try await afterCleanRun(result.cleanRuns)
                }
            }
        }
        return result
    }

    /// The checkpoint name in `crash test: SIGKILL at checkpoint N (NAME)`.
    static func checkpoint(in stderr: String) -> String? {
        guard let range = stderr.range(of: "crash test: SIGKILL at checkpoint ") else { return nil }
        let rest = stderr[range.upperBound...]
        guard let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") else { return nil }
        return String(rest[rest.index(after: open)..<close])
    }

    /// Runs until a run finishes cleanly (at most `attempts` times); returns the last outcome.
    func finish(attempts: Int = 6) async throws -> Executable.Outcome {
        var outcome = try await Executable.run(arguments, in: directory, environment: environment)
        var tries = 1
        while outcome.status != 0 && tries < attempts {
            tries += 1
            outcome = try await Executable.run(arguments, in: directory, environment: environment)
        }
        return outcome
    }
}
