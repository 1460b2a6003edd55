import RealPool

/// The faults injected while the workers run, each on its own pace with ±50 % jitter so that they
/// land at every point of a statement's life: a random pool backend killed
/// (`pg_terminate_backend`), `DISCARD ALL` from a session between two uses of a prepared shape,
/// and DDL on the side table that a registered `SELECT *` reads.
///
/// The killer and the DDL run on connections of their own, outside the pool; the killer spares
/// them by application name.
struct SoakFaults: Sendable {
    let db: Database
    let schema: SoakSchema
    let counters: SoakCounters
    let connectionString: String
    /// The pool's application_name: only its backends are killed.
    let poolApplicationName: String
    let killEvery: Duration?
    let discardEvery: Duration?
    let ddlEvery: Duration?

    func run(until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            if let killEvery { group.addTask { await loop(every: killEvery, until: deadline, kill) } }
            if let discardEvery { group.addTask { await loop(every: discardEvery, until: deadline) { _ in await discard() } } }
            if let ddlEvery { group.addTask { await loop(every: ddlEvery, until: deadline, ddl) } }
        }
    }

    /// Runs `action` every `interval` (jittered) until the deadline, on one side connection that
    /// is replaced when it breaks.
    private func loop(every interval: Duration, until deadline: ContinuousClock.Instant,
                      _ action: @Sendable (Connection) async throws -> Void) async {
        var connection: Connection?
        defer { connection?.close() }
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: interval * Double.random(in: 0.5...1.5))
            guard ContinuousClock.now < deadline else { break }
            do {
                if connection == nil || connection!.isBroken || connection!.isClosed {
                    connection?.close()
                    connection = try await Connection.connect(ConnectionConfiguration(connectionString, applicationName: "prepare-bench-soak-faults"))
                }
                try await action(connection!)
            } catch {
                counters.update { $0.faultErrors += 1 }
            }
        }
    }

    private func kill(_ c: Connection) async throws {
        let rows = try await c.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid() ORDER BY random() LIMIT 1",
            [poolApplicationName])
        let killed = rows.count == 1 && (try? rows[0].decode(Bool.self, column: 0)) == true
        if killed { counters.update { $0.kills += 1 } }
    }

    /// Through the pool, in a session, as application code would: the session pins its
    /// connection for `DISCARD ALL`, and RealPool's cache must notice the statements are gone.
    private func discard() async {
        do {
            try await db.withSession { s in
                _ = try await s.execute(schema.readBalance, 1)
                try await s.execute("DISCARD ALL")
                let rows = try await s.execute(schema.readBalance, 1)
                counters.read(ok: rows.count == 1)
            }
            counters.update { $0.discards += 1; $0.statements += 2 }
        } catch {
            counters.error(error)
        }
    }

    private func ddl(_ c: Connection) async throws {
        let n = counters.snapshot.ddl
        _ = try await c.simpleQuery(schema.ddl(n))
        counters.update { $0.ddl += 1 }
    }
}
