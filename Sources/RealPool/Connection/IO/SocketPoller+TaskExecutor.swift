#if canImport(Glibc)
import Glibc

/// The poller's thread as a task executor: jobs of tasks that prefer it run on it between polls.
///
/// The point is the hand-over a reply costs. A task on the global executor that waits for a reply
/// is resumed by the poller's thread, which must then wake a cooperative thread to run it: two
/// thread wake-ups per statement, expensive on a small machine. A task that prefers this executor
/// is resumed on the thread that saw the reply, in the same turn of its loop, with no wake-up.
extension SocketPoller: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let mustWake = jobs.withLock { q -> Bool in
            q.pending.append(job)
            guard q.sleeping else { return false }
            q.sleeping = false
            return true
        }
        if mustWake { wake() }
    }

    /// Whether a statement may poll for its reply (``ReplySpin``) on the calling thread: anywhere
    /// but on an I/O thread, and there only while no other task's job waits for it, because the
    /// poll holds up every job and socket of that thread for its duration.
    static var mayPollForReplyOnCurrentThread: Bool {
        current?.jobs.withLock { $0.pending.isEmpty } ?? true
    }

    /// Runs the jobs queued so far. Jobs they enqueue wait for the next turn, so sockets are
    /// polled between turns and a task that keeps yielding cannot starve the others' replies.
    func runPendingJobs() {
        let batch = jobs.withLock { q -> [UnownedJob] in
            defer { q.pending.removeAll(keepingCapacity: true) }
            return q.pending
        }
        guard !batch.isEmpty else { return }
        let executor = asUnownedTaskExecutor()
        for job in batch { job.runSynchronously(on: executor) }
    }
}
#endif
