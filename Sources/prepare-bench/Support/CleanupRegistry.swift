import Dispatch
import Foundation

/// What must happen on every way out: stop the embedded server, drop the fixture schema. Runs
/// each action once, whether from the normal path, an error, or SIGINT/SIGTERM.
final class CleanupRegistry: @unchecked Sendable {
    static let shared = CleanupRegistry()
    private let lock = NSLock()
    private var actions: [(String, @Sendable () -> Void)] = []
    private var signalSources: [any DispatchSourceSignal] = []

    func add(_ name: String, _ action: @escaping @Sendable () -> Void) {
        lock.withLock { actions.append((name, action)) }
    }

    func remove(_ name: String) {
        lock.withLock { actions.removeAll { $0.0 == name } }
    }

    /// Runs the actions in reverse order of registration and forgets them.
    func runAll() {
        let pending = lock.withLock { () -> [(String, @Sendable () -> Void)] in
            defer { actions = [] }
            return actions.reversed()
        }
        for (_, action) in pending { action() }
    }

    /// On SIGINT/SIGTERM: clean up, say so on stderr, exit 130/143.
    func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                FileHandle.standardError.write(Data("\rprepare-bench: interrupted; cleaning up\n".utf8))
                runAll()
                exit(128 + sig)
            }
            source.resume()
            lock.withLock { signalSources.append(source) }
        }
    }
}
