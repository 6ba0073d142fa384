import Foundation
import JoorBridge

/// SIGTERM and SIGINT ask the jobs to stop after the file in hand; a second one ends the process at once.
enum Signals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func stopGracefully(_ stop: StopSignal, onFirst: @escaping @Sendable (String) -> Void) {
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isStopped { exit(128 + number) }
                stop.stop()
                onFirst(name)
            }
            source.resume()
            sources.append(source)
        }
    }
}
