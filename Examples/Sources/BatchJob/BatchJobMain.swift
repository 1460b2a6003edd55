import Dispatch
import EmbeddedPostgres
import Foundation
import Logging
import RealPool
import Synchronization

/// A thread-based batch job on RealPool's blocking API: `WORKERS` threads share a pool of fewer
/// connections, each processing its range of rows in chunked transactions. See
/// Examples/README.md.
@main
enum BatchJobMain {
    static func main() throws {
        // exit only after `run`'s defers have shut the pool and the embedded server down
        if try !run() { exit(1) }
    }

    /// The whole job; false when a worker failed or rows were left unprocessed.
    static func run() throws -> Bool {
        let settings = BatchSettings()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            // warnings only: a connection returned in a transaction, a leak, a plain fallback
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return handler
        }

        let embedded: EmbeddedPostgres?
        var configuration: DatabaseConfiguration
        if let url = settings.databaseURL {
            embedded = nil
            configuration = DatabaseConfiguration(url)
        } else {
            print("DATABASE_URL is not set: starting a throwaway PostgreSQL (deleted on exit)")
            let server = try EmbeddedPostgres.start()
            embedded = server
            configuration = DatabaseConfiguration(server.connectionString)
        }
        defer { embedded?.stop() }
        configuration.name = "batch"
        configuration.pool.maxConnections = settings.maxConnections
        let db = Database(configuration)
        defer { shutdown(db) }

        try createTables(db, rows: settings.rows)
        try db.addPrepareTarget(BatchWorker.markProcessed)
        print("processing \(settings.rows) rows with \(settings.workers) threads on at most \(settings.maxConnections) connections")

        let progress = ProgressReporter(total: settings.rows)
        let failures = Mutex<[String]>([])
        let finished = DispatchGroup()
        let perWorker = (settings.rows + settings.workers - 1) / settings.workers
        for number in 0..<settings.workers {
            let first = 1 + number * perWorker
            let worker = BatchWorker(
                number: number, db: db, range: first..<min(first + perWorker, settings.rows + 1),
                chunk: settings.chunk, progress: progress)
            finished.enter()
            Thread {
                defer { finished.leave() }
                do { try worker.run() } catch { failures.withLock { $0.append("worker \(number): \(error)") } }
            }.start()
        }
        finished.wait()

        let errors = failures.withLock { $0 }
        for error in errors { print("FAILED \(error)") }
        let left = try db.blocking.execute("SELECT count(*) FROM realpool_batch_items WHERE processed_at IS NULL")[0].decode(Int.self, column: 0)
        let logged = try db.blocking.execute("SELECT coalesce(sum(rows), 0)::bigint FROM realpool_batch_log")[0].decode(Int.self, column: 0)
        print("done in \(progress.elapsed): \(settings.rows - left) rows processed, \(left) left, \(logged) rows in the log (\(progress.retries) chunks rolled back and retried)")

        let stats = db.statistics
        print("pool: \(stats.connectionsOpened) connections opened, at most \(stats.maxLeased) leased at once, "
            + "\(stats.acquires) leases, waited \(stats.waitTimeTotalMicroseconds) µs in all")
        print("statements: \(stats.misses) prepares, \(stats.hits) cache hits, \(stats.plainExecutions) plain executions")
        print(db.report())
        return errors.isEmpty && left == 0
    }

    /// Creates the job's two tables afresh and fills the items with deterministic payloads.
    static func createTables(_ db: Database, rows: Int) throws {
        try db.blocking.execute("DROP TABLE IF EXISTS realpool_batch_items, realpool_batch_log")
        try db.blocking.execute("""
            CREATE TABLE realpool_batch_items (
                id bigint PRIMARY KEY, payload text NOT NULL, processed_at timestamptz, checksum bigint)
            """)
        try db.blocking.execute("""
            CREATE TABLE realpool_batch_log (
                worker int NOT NULL, first_id bigint NOT NULL, rows int NOT NULL, at timestamptz NOT NULL DEFAULT now())
            """)
        try db.blocking.execute("INSERT INTO realpool_batch_items (id, payload) SELECT g, md5(g::text) FROM generate_series(1, \(rows)) g")
    }

    /// `Database.shutdown` is async only. This thread is not one of the cooperative pool's, so
    /// waiting here for a task to finish it blocks nothing the task needs.
    static func shutdown(_ db: Database) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await db.shutdown()
            done.signal()
        }
        done.wait()
    }
}
