import RealPool
import Synchronization

/// The fallback for `prepared` and `auto` while the library's transparent rewriting is not wired
/// in (see RewritingAdapter.swift): a pool of raw connections that prepares each statement
/// explicitly (prepare + execute pipelined in one round trip on a connection's first use, then
/// execute by name), i.e. what the statement cache will do inside RealPool. Each request leases a
/// connection per statement (release-ASAP) or for the whole request (`hold`, transactions).
final class ExplicitPrepareExecutor: BenchExecutor {
    let pool: ConnectionSlotPool
    /// nil: prepare on first use; N: prepare once a statement has run N times on the connection.
    let threshold: Int?
    private let cache = Mutex((hits: 0, misses: 0))
    private let names: [String: String]

    init(configuration: ConnectionConfiguration, searchPath: String, poolSize: Int, threshold: Int?, statements: [String]) {
        pool = ConnectionSlotPool(configuration: configuration, searchPath: searchPath, size: poolSize)
        self.threshold = threshold
        var names: [String: String] = [:]
        for (i, sql) in Set(statements).sorted().enumerated() { names[sql] = "bench_stmt_\(i + 1)" }
        self.names = names
    }

    func run(_ request: Workload.Request, _ parameters: [[PostgresBind]], thinkMs: Int, hold: Bool) async throws {
        if request.transaction || hold {
            let slot = try await pool.acquire()
            do {
                if request.transaction { _ = try await slot.connection.simpleQuery("BEGIN") }
                var index = 0
                for step in request.steps {
                    switch step {
                    case .statement(let s):
                        try await execute(s.sql, parameters[index], on: slot)
                        index += 1
                    case .think(let ms):
                        try await Task.sleep(for: .milliseconds(ms ?? thinkMs))
                    }
                }
                if request.transaction { _ = try await slot.connection.simpleQuery("COMMIT") }
            } catch {
                if slot.connection.transactionStatus != .idle { _ = try? await slot.connection.simpleQuery("ROLLBACK") }
                await pool.release(slot)
                throw error
            }
            await pool.release(slot)
            return
        }
        var index = 0
        for step in request.steps {
            switch step {
            case .statement(let s):
                let slot = try await pool.acquire()
                do {
                    try await execute(s.sql, parameters[index], on: slot)
                } catch {
                    await pool.release(slot)
                    throw error
                }
                await pool.release(slot)
                index += 1
            case .think(let ms):
                try await Task.sleep(for: .milliseconds(ms ?? thinkMs))
            }
        }
    }

    private func execute(_ sql: String, _ parameters: [PostgresBind], on slot: ConnectionSlotPool.Slot) async throws {
        if let name = slot.prepared[sql] {
            cache.withLock { $0.hits += 1 }
            _ = try await slot.connection.executePrepared(name: name, parameters)
            return
        }
        if let threshold {
            let n = (slot.executions[sql] ?? 0) + 1
            slot.executions[sql] = n
            if n < threshold {
                _ = try await slot.connection.query(sql, parameters)
                return
            }
        }
        let name = names[sql] ?? "bench_stmt_x\(slot.prepared.count)"
        cache.withLock { $0.misses += 1 }
        let outcomes = try await slot.connection.pipeline([
            .prepare(name: name, sql: sql, types: []),
            .executePrepared(name: name, parameters),
        ])
        if case .success = outcomes.first { slot.prepared[sql] = name }
        for outcome in outcomes { _ = try outcome.get() }
    }

    func counters() async -> ExecutorCounters {
        let c = cache.withLock { $0 }
        return ExecutorCounters(connectionsOpened: await pool.opened, maxInUse: await pool.maxInUse, cacheHits: c.hits, cacheMisses: c.misses)
    }

    func shutdown() async {
        await pool.close()
    }
}
