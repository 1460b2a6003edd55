import RealPool

/// Runs requests through RealPool's `Database`: `db.execute` per statement (release-ASAP), or
/// `db.transaction { }` for transaction requests and for the hold baseline (which then keeps the
/// connection through the think pauses, as a hold-for-the-request pool does).
struct DatabaseExecutor: BenchExecutor {
    let database: Database

    /// A `Database` for one case in `mode`: `prepared` registers every statement of the workload
    /// with `addPrepareTarget` (matching SQL then runs as a named prepared statement on whichever
    /// connection is leased), `auto` sets `autoPrepareThreshold`, `plain` does neither.
    static func make(configuration: DatabaseConfiguration, mode: BenchMode, statements: [String]) async throws -> DatabaseExecutor {
        var configuration = configuration
        if mode == .auto { configuration.autoPrepareThreshold = BenchMode.autoThreshold }
        let database = Database(configuration)
        if mode == .prepared {
            do {
                for sql in Set(statements).sorted() { _ = try database.addPrepareTarget(sql) }
            } catch {
                await database.shutdown()
                throw error
            }
        }
        return DatabaseExecutor(database: database)
    }

    func run(_ request: Workload.Request, _ parameters: [[PostgresBind]], thinkMs: Int, hold: Bool) async throws {
        if request.transaction || hold {
            try await database.transaction { tx in
                try await Self.runSteps(request, parameters, thinkMs: thinkMs, on: tx)
            }
        } else {
            try await Self.runSteps(request, parameters, thinkMs: thinkMs, on: database)
        }
    }

    static func runSteps(_ request: Workload.Request, _ parameters: [[PostgresBind]], thinkMs: Int, on executor: some StatementExecutor) async throws {
        var index = 0
        for step in request.steps {
            switch step {
            case .statement(let statement):
                _ = try await executor.run(statement.sql, parameters[index], dollarStyle: true, callSite: CallSite(file: request.callSiteFile, line: statement.line))
                index += 1
            case .think(let ms):
                try await Task.sleep(for: .milliseconds(ms ?? thinkMs))
            }
        }
    }

    func counters() -> ExecutorCounters {
        let s = database.statistics
        return ExecutorCounters(
            connectionsOpened: s.connectionsOpened,
            maxInUse: s.maxLeased,
            cacheHits: s.hits,
            cacheMisses: s.misses,
            typeFallbacks: s.typeMismatchFallbacks
        )
    }

    func shutdown() async { await database.shutdown() }
}
