import Foundation
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
import RealPoolSupport

/// For hunting flaky tests (`Scripts/repeat-tests --probe`, which sets `REALPOOL_STALL_PROBE=1`):
/// a task on the cooperative pool beats every 20 ms, and a thread of its own watches the beat.
/// When the pool has not run it for two seconds (every thread of it held by blocking or
/// long CPU-bound work), the watcher has gdb write every thread's stack to
/// `/tmp/realpool-stall-PID-N.txt` while the stall lasts, so the culprit is named, not guessed.
/// Off by default: gdb stops the process while it reads it.
enum StallProbe {
    private static let beat = Locked(ContinuousClock.now)
    static let started: Bool = {
        guard ProcessInfo.processInfo.environment["REALPOOL_STALL_PROBE"] == "1",
              FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") else { return false }
        Task.detached {
            while true {
                try? await Task.sleep(for: .milliseconds(20))
                beat.withLock { $0 = .now }
            }
        }
        Thread {
            var dumps = 0
            while dumps < 5 {
                usleep(200_000)
                guard ContinuousClock.now - beat.withLock({ $0 }) > .seconds(2) else { continue }
                dumps += 1
                let path = "/tmp/realpool-stall-\(getpid())-\(dumps).txt"
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                let gdb = Process()
                gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
                gdb.arguments = ["-batch", "-p", "\(getpid())", "-ex", "thread apply all bt 30"]
                gdb.standardOutput = FileHandle(forWritingAtPath: path)
                gdb.standardError = FileHandle.nullDevice
                try? gdb.run()
                gdb.waitUntilExit()
                // one dump per stall
                while ContinuousClock.now - beat.withLock({ $0 }) > .seconds(1) { usleep(100_000) }
            }
        }.start()
        return true
    }()
}
