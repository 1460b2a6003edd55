import ArgumentParser
import Foundation
import RealPool

/// `prepare-bench soak`: the reliability suite's stress scenario as a long run. Many tasks move
/// money through a small pool while backends are killed, sessions run `DISCARD ALL` and DDL
/// alters a table registered shapes read; progress every few seconds, then the ledger, the pool
/// and the statement caches are checked. Exit status 1 on any violation.
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run a mixed workload under injected faults for a while, then verify that nothing was lost, doubled or leaked.",
        discussion: "A --dsn server's role needs pg_terminate_backend rights on its own backends. See Docs/prepare-bench.md, \"Soak\"."
    )

    @OptionGroup var serverOptions: ServerOptions

    @Option(help: "Seconds to run.")
    var duration: Double = 60

    @Option(help: "Concurrent tasks.")
    var tasks: Int = 64

    @Option(help: "Pool size (maxConnections).")
    var poolSize: Int = 4

    @Option(help: "Autocommit statements one connection may carry at once (DatabaseConfiguration.pipelineDepth; 1: no multiplexing).")
    var pipelineDepth: Int = 1

    @Option(help: "Executor of the worker tasks: global (the cooperative pool), io (Database.ioExecutor), or ioN (spread over N I/O threads). Multiplexed connections whose callers run on an I/O thread read their results there.")
    var executor: String = "global"

    @Option(help: "Mean ms between backend kills (0: none).")
    var killEveryMs: Int = 500

    @Option(help: "Mean ms between DISCARD ALL sessions (0: none).")
    var discardEveryMs: Int = 1000

    @Option(help: "Mean ms between DDL statements on the side table (0: none).")
    var ddlEveryMs: Int = 1500

    @Option(help: "Seconds between progress lines on stderr.")
    var progressEvery: Double = 5

    @Option(help: "Accounts the transfers spread over.")
    var accounts: Int = 50

    func validate() throws {
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be > 0 and <= 86400 seconds") }
        guard (1...10_000).contains(tasks) else { throw ValidationError("--tasks must be between 1 and 10000") }
        guard (1...1000).contains(poolSize) else { throw ValidationError("--pool-size must be between 1 and 1000") }
        guard (1...10_000).contains(pipelineDepth) else { throw ValidationError("--pipeline-depth must be between 1 and 10000") }
        guard killEveryMs >= 0, discardEveryMs >= 0, ddlEveryMs >= 0 else { throw ValidationError("fault intervals must be >= 0") }
        guard progressEvery > 0 else { throw ValidationError("--progress-every must be > 0") }
        guard (1...1_000_000).contains(accounts) else { throw ValidationError("--accounts must be between 1 and 1000000") }
        guard let kinds = try? BenchExecutorKind.parseList(executor), kinds.count == 1 else {
            throw ValidationError("--executor must be one of global, io, ioN (N from 2 to 16)")
        }
    }

    func run() async throws {
        let passed = try await serverOptions.launch(errorPrefix: "prepare-bench soak") { progress, cleanup in
            try await soak(progress: progress, cleanup: cleanup)
        }
        if !passed { throw ExitCode(1) }
    }

    private func soak(progress: ProgressReporter, cleanup: CleanupRegistry) async throws -> Bool {
        let server = try serverOptions.startServer(progress: progress, cleanup: cleanup)

        let schema = SoakSchema(suffix: String(UInt32.random(in: 0...UInt32.max), radix: 36), accounts: accounts)
        let setup = try await Connection.connect(ConnectionConfiguration(server.connectionString, applicationName: "prepare-bench-soak-setup"))
        defer { setup.close() }
        _ = try await setup.simpleQuery(schema.create)
        let dropSQL = schema.drop
        let connectionString = server.connectionString
        cleanup.add("tables") {
            if let c = try? Connection.connect(ConnectionConfiguration(connectionString)) { _ = try? c.simpleQuery(dropSQL); c.close() }
        }

        let applicationName = "prepare-bench-soak"
        let pool = PoolConfiguration(minConnections: 1, maxConnections: poolSize, acquireTimeout: .seconds(60), maxWaiters: 100_000)
        var configuration = DatabaseConfiguration(ConnectionConfiguration(server.connectionString, applicationName: applicationName), pool: pool)
        configuration.name = "soak"
        configuration.shutdownGracePeriod = .seconds(5)
        configuration.pipelineDepth = pipelineDepth
        let db = Database(configuration)
        for sql in schema.targets { try db.addPrepareTarget(sql) }

        let counters = SoakCounters()
        let started = ContinuousClock.now
        let deadline = started.advanced(by: .milliseconds(Int(duration * 1000)))
        let interval: (Int) -> Duration? = { $0 > 0 ? .milliseconds($0) : nil }
        let faults = SoakFaults(db: db, schema: schema, counters: counters, connectionString: server.connectionString,
                                poolApplicationName: applicationName, killEvery: interval(killEveryMs),
                                discardEvery: interval(discardEveryMs), ddlEvery: interval(ddlEveryMs))
        let workers = SoakWorkers(db: db, schema: schema, counters: counters)
        let kind = try BenchExecutorKind.parseList(executor)[0]
        progress.note("soak: \(tasks) tasks (\(kind.rawValue) executor) on \(poolSize) connections\(pipelineDepth > 1 ? " (pipeline depth \(pipelineDepth))" : "") for \(String(format: "%g", duration)) s; kill every ~\(killEveryMs) ms, DISCARD ALL every ~\(discardEveryMs) ms, DDL every ~\(ddlEveryMs) ms")

        await withTaskGroup(of: Void.self) { group in
            for i in 0..<tasks { group.addTask(executorPreference: kind.preference(forWorker: i)) { await workers.run(until: deadline) } }
            group.addTask { await faults.run(until: deadline) }
            group.addTask { await reportProgress(counters, db: db, started: started, until: deadline, progress: progress) }
        }
        let elapsed = ContinuousClock.now - started
        progress.note("verifying")
        let checks = await SoakVerifier(db: db, schema: schema, counters: counters).run()
        let statistics = db.statistics.asDictionary()
        await db.shutdown()
        print(SoakSummary(elapsed: elapsed, tasks: tasks, executor: kind.rawValue, poolSize: poolSize, pipelineDepth: pipelineDepth, counters: counters.snapshot,
                          statistics: statistics, checks: checks).render())
        return checks.allSatisfy(\.ok)
    }

    private func reportProgress(_ counters: SoakCounters, db: Database, started: ContinuousClock.Instant,
                                until deadline: ContinuousClock.Instant, progress: ProgressReporter) async {
        var previous = 0
        while ContinuousClock.now < deadline {
            let remaining = deadline - ContinuousClock.now
            let pause = Duration.milliseconds(Int(progressEvery * 1000))
            try? await Task.sleep(for: min(pause, remaining))
            guard ContinuousClock.now < deadline else { break }
            let s = counters.snapshot
            let stats = db.statistics
            let rate = Double(s.statements - previous) / progressEvery
            previous = s.statements
            progress.note("\(s.statements) statements (\(Int(rate))/s), \(s.transactionsCommitted) commits, \(s.kills) kills, \(s.discards) discards, \(s.ddl) DDL, errors \(s.expectedErrors) expected / \(s.unexpectedErrors) unexpected, wrong results \(s.wrongResults), leased \(stats.leased)/\(stats.size)")
        }
    }
}
