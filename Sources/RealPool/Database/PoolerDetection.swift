import Logging
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool

/// Finds out, once per new connection, whether a connection pooler (PgBouncer, pgcat, Odyssey,
/// RDS Proxy, ...) sits between RealPool and the server, and if so turns rewriting off for the
/// database before any statement of that connection is sent.
///
/// The sign: the backend PID libpq was given at connect (BackendKeyData) is not the PID of the
/// backend that runs our statements (`pg_backend_pid()`). A pooler answers the startup itself with
/// a key of its own, since its client may be served by any server connection; PostgreSQL itself
/// always reports the real one. This costs one round trip per new physical connection, and it is
/// decided before the first lease, so no statement (and in particular no transaction, which a
/// 26000 or 42P05 would abort beyond healing) ever runs as a prepared statement through a pooler
/// that may move it. A pooler in session mode, or one that tracks prepared statements itself
/// (PgBouncer ≥ 1.21 with `max_prepared_statements`), keeps statements where they were
/// prepared: `DatabaseConfiguration.rewriteBehindPooler` keeps rewriting on there.
enum PoolerDetection {
    static func check(_ connection: Connection, registry: PrepareTargetRegistry, logger: Logger) async throws {
        guard registry.rewritingDisabledReason == nil else { return }
        let result = try await connection.query("SELECT pg_backend_pid()")
        guard let serverPID = try? result[0].decode(Int32.self, column: 0), serverPID != connection.backendPID else { return }
        let reason = "connected through a connection pooler (the startup reported backend \(connection.backendPID), "
            + "statements run on backend \(serverPID))"
        if registry.disableRewriting(because: reason) {
            logger.warning("RealPool is \(reason): rewriting into prepared statements is off for this Database and every statement runs plainly, since a pooler in transaction mode moves prepared statements between server connections. Set DatabaseConfiguration.rewriteBehindPooler = true for a pooler in session mode or PgBouncer >= 1.21 with max_prepared_statements (see the article Behind PgBouncer).")
        }
    }
}
