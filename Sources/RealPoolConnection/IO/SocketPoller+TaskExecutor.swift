#if canImport(Glibc)
import Glibc

/// The poller's thread as a task executor: jobs of tasks that prefer it run on it between polls.
///
/// The point is the hand-over a reply costs. A task on the global executor that waits for a reply
/// is resumed by the poller's thread, which must then wake a cooperative thread to run it: two
/// thread wake-ups per statement, expensive on a small machine. A task that prefers this executor
/// is resumed on the thread that saw the reply, in the same turn of its loop, with no wake-up.
extension SocketPoller: TaskExecutor {
    package func enqueue(_ job: consuming ExecutorJob) {
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
        var batch = jobs.withLock { q -> [UnownedJob] in
            q.runningBatch = true
            // the queued jobs leave with their buffer; the spare one takes new jobs
            let batch = q.pending
            q.pending = q.spare
            q.spare = []
            return batch
        }
        if !batch.isEmpty {
            let executor = asUnownedTaskExecutor()
            for job in batch { job.runSynchronously(on: executor) }
        }
        batch.removeAll(keepingCapacity: true)
        let due = jobs.withLock { q -> [@Sendable () -> Void] in
            q.runningBatch = false
            // ours again, unshared: the next batch reuses its storage
            q.spare = batch
            guard !q.afterBatch.isEmpty || !q.afterNextBatch.isEmpty else { return [] }
            defer {
                q.afterBatch = q.afterNextBatch
                q.afterNextBatch.removeAll(keepingCapacity: true)
            }
            return q.afterBatch
        }
        for body in due { body() }
    }

    /// Runs `body` on this thread once the jobs queued by then have run (the next batch, or the
    /// one after it when called from a job): a multiplexer's reader that ran dry uses it to see
    /// whether the tasks it just resumed sent more before it stops. Only from this thread.
    func afterQueuedJobs(_ body: @escaping @Sendable () -> Void) {
        precondition(isCurrentThread, "RealPool: afterQueuedJobs from another thread")
        jobs.withLock { q in
            if q.runningBatch { q.afterNextBatch.append(body) } else { q.afterBatch.append(body) }
        }
    }
}
#endif
