import Foundation

/// Progress on stderr: a redrawn bar when stderr is a terminal, plain lines otherwise (so logs
/// and CI output stay readable). `--quiet` turns it off.
final class ProgressReporter: @unchecked Sendable {
    let isTTY = isatty(STDERR_FILENO) == 1
    let enabled: Bool
    private let lock = NSLock()
    private var total = 0
    private var done = 0
    private var barShown = false
    private let started = Date()

    init(enabled: Bool) { self.enabled = enabled }

    func setTotal(_ n: Int) { lock.withLock { total = n } }

    /// A phase message (server start, loading, ...).
    func note(_ message: String) {
        guard enabled else { return }
        lock.withLock {
            clearBar()
            write("[\(elapsed)] \(message)\n")
        }
    }

    func caseStarted(_ label: String, seconds: Double) {
        guard enabled else { return }
        lock.withLock {
            if isTTY {
                let width = 30
                let filled = total == 0 ? 0 : width * done / total
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                write("\r\u{1B}[2K[\(bar)] \(done + 1)/\(total) \(label) (\(String(format: "%.0f", seconds)) s)")
                barShown = true
            } else {
                write("[\(elapsed)] case \(done + 1)/\(total): \(label)\n")
            }
        }
    }

    func caseFinished(_ summary: String) {
        lock.withLock {
            done += 1
            guard enabled, !isTTY else { return }
            write("[\(elapsed)]   \(summary)\n")
        }
    }

    func finish() {
        guard enabled else { return }
        lock.withLock { clearBar() }
    }

    private var elapsed: String { String(format: "%5.1fs", Date().timeIntervalSince(started)) }

    private func clearBar() {
        if barShown { write("\r\u{1B}[2K"); barShown = false }
    }

    private func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}
