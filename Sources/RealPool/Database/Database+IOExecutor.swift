import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool
extension Database {
    /// RealPool's I/O thread as a task executor, for tasks whose work is mostly statements.
    ///
    /// By default a task that awaits a statement is resumed in two hand-overs: RealPool's I/O
    /// thread sees the reply, then wakes a thread of the cooperative pool to run the task. A task
    /// that prefers this executor runs on the I/O thread itself, so a reply resumes it in the
    /// same turn, and a connection released by one such task is taken by the next on the same
    /// thread. On a machine with few cores, where thread wake-ups cost as much as the statement,
    /// that raises throughput and cuts latency (see the Tuning article for measured figures):
    ///
    /// ```swift
    /// try await withTaskExecutorPreference(Database.ioExecutor) {
    ///     let user = try await db.execute("SELECT * FROM users WHERE id = \(id)")
    ///     ...
    /// }
    /// ```
    ///
    /// The executor is one thread, shared by every `Database` of the process (more with
    /// ``ioExecutors(_:)``). Everything a preferring task does between its awaits runs on that
    /// thread and holds up every other statement on it, so use it only for work that is light
    /// between statements:
    /// - no CPU-heavy work (encode a large response elsewhere, or hop off with a task of its own);
    /// - no blocking calls of any kind; the ``BlockingDatabase`` API refuses to run there with a
    ///   ``UsageError``, because waiting for a connection on the thread that must deliver it
    ///   would never end.
    ///
    /// Actor-isolated code still runs on its actor, and unstructured `Task { }`s started inside
    /// do not inherit the preference (SE-0417).
    public static var ioExecutor: any TaskExecutor { SocketPoller.shared }

    /// The first `count` I/O threads as task executors (the first is ``ioExecutor``), starting
    /// those that do not run yet; they then live as long as the process.
    ///
    /// One thread does all the I/O of the process and runs every task that prefers it. When
    /// that thread is busy all the time (`top -H` shows it near 100 %) and cores are left, spread
    /// the tasks over several: each thread waits for the sockets of the tasks that run on it, so
    /// a statement's reply still resumes its task with no hand-over, as `pgbench -j` spreads its
    /// clients over threads:
    ///
    /// ```swift
    /// let executors = Database.ioExecutors(2)
    /// for (i, job) in jobs.enumerated() {
    ///     group.addTask(executorPreference: executors[i % executors.count]) { try await run(job) }
    /// }
    /// ```
    ///
    /// Each thread takes a core while busy, and on a small machine the server needs them too:
    /// measure (`prepare-bench --executor io,io2`). A multiplexed connection shared by tasks on
    /// different threads reads its results on one of them and hands each result to its task's
    /// thread.
    ///
    /// - Precondition: `count` is between 1 and 256; each thread is a real thread for the life of
    ///   the process, so more than a few per core only costs memory and scheduling.
    public static func ioExecutors(_ count: Int) -> [any TaskExecutor] {
        precondition((1...256).contains(count), "RealPool: Database.ioExecutors(\(count)): the count of I/O threads must be between 1 and 256")
        return SocketPoller.pollers(count)
    }

    /// Leases for an async caller, naming the I/O thread it runs on (if any), so that the pool
    /// prefers the connections last leased from that thread.
    func lease(callSite: CallSite, shared: Bool = false) async throws -> ConnectionPool<PooledConnection>.Lease {
        let lease = try await pool.lease(callSite: callSite, shared: shared, affinity: SocketPoller.current?.index)
        // an exclusive lessee drives the connection itself
        if !shared { lease.resource.takeExclusively() }
        return lease
    }

    /// Leases on the calling thread, refusing the I/O threads, where the wait would deadlock.
    func leaseBlocking(callSite: CallSite) throws -> ConnectionPool<PooledConnection>.Lease {
        if SocketPoller.current != nil { throw UsageError.blockingOnIOExecutor }
        let lease = try pool.leaseBlocking(callSite: callSite)
        lease.resource.takeExclusively()
        return lease
    }
}
