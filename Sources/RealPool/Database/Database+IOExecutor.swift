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
    /// The executor is one thread for the whole process (every `Database` shares it). Everything a
    /// preferring task does between its awaits runs on that thread and holds up every other
    /// statement of the process, so use it only for work that is light between statements:
    /// - no CPU-heavy work (encode a large response elsewhere, or hop off with a task of its own);
    /// - no blocking calls of any kind; the ``BlockingDatabase`` API refuses to run there with a
    ///   ``UsageError``, because waiting for a connection on the thread that must deliver it
    ///   would never end.
    ///
    /// Actor-isolated code still runs on its actor, and unstructured `Task { }`s started inside
    /// do not inherit the preference (SE-0417).
    public static var ioExecutor: any TaskExecutor { SocketPoller.shared }

    /// Leases on the calling thread, refusing the I/O thread, where the wait would deadlock.
    func leaseBlocking(callSite: CallSite) throws -> ConnectionPool<PooledConnection>.Lease {
        if SocketPoller.shared.isCurrentThread { throw UsageError.blockingOnIOExecutor }
        return try pool.leaseBlocking(callSite: callSite)
    }
}
