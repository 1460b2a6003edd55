#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A short, bounded poll for a reply before a statement waits for it.
///
/// Suspending costs two thread hand-overs per statement: the socket poller's thread wakes, then
/// resumes the task on a cooperative thread (a blocking caller sleeps in `poll(2)` and is woken by
/// the kernel, which costs one). When the server answers within a couple of hundred microseconds
/// (a local socket, a quiet server) that is most of a statement's latency, so a statement polls its
/// socket for up to `ConnectionConfiguration.replySpin`. Two rules keep the poll from costing what
/// it saves:
/// - only while no other statement of the process is waiting for a reply: with several in
///   flight the cores are busy (the server's and other tasks'), and suspending frees one;
/// - a connection whose replies missed the window several times in a row stops polling for a
///   while, so a remote server, or a slow query, pays for a few polls and then nothing.
enum ReplySpin {
    /// Exchanges (async and blocking) waiting for a reply, process-wide.
    static let waiting = Atomic<Int>(0)
    /// Poll only while at most this many are waiting (this statement included). One: on two
    /// cores, polling beside other waiting statements raised their tail latency (measured p99
    /// 0.35 → 2.4 ms at four) for no gain in throughput.
    static let maxWaiting = 1

    /// Consecutive misses after which a connection stops polling, and for how many statements.
    static let missesBeforePause = 8
    static let pauseStatements = 256

    /// Polls `socket` until readable or `budget` has passed. True once readable.
    static func poll(socket: Int32, budget: Duration) -> Bool {
        var pfd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let end = ContinuousClock.now.advanced(by: budget)
        repeat {
            if Glibc.poll(&pfd, 1, 0) > 0 { return true }
        } while ContinuousClock.now < end
        return false
    }
}

/// A connection's record of how its recent reply polls went (used only by its lessee).
struct ReplySpinHistory {
    private var misses = 0
    private var pausedFor = 0

    /// Whether to poll for the next reply.
    mutating func shouldPoll() -> Bool {
        if pausedFor > 0 {
            pausedFor -= 1
            return false
        }
        return true
    }

    mutating func record(hit: Bool) {
        if hit {
            misses = 0
        } else {
            misses += 1
            if misses >= ReplySpin.missesBeforePause {
                misses = 0
                pausedFor = ReplySpin.pauseStatements
            }
        }
    }
}
