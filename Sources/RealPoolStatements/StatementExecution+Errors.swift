import RealPoolConnection
import RealPoolNormalizer
/// The errors the statement layer raises itself, each keeping the server's SQLSTATE and fields so
/// that code matching on SQLSTATE behaves as with a plain driver.
extension StatementExecution {
    /// 0A000 inside an explicit transaction: the transaction is aborted, nothing can be retried.
    static func schemaChangedInTransaction(_ error: PostgresError, name: String) -> PostgresError {
        var e = error
        e.message = "the schema changed under the open transaction: the prepared statement \(name) was planned before a "
            + "DDL change and its result type no longer matches (\(error.message)). The transaction is aborted; roll it back "
            + "and run it again (outside a transaction RealPool re-prepares and retries by itself)"
        return e
    }

    /// 26000 inside an explicit transaction.
    static func missingInTransaction(_ error: PostgresError, name: String) -> PostgresError {
        var e = error
        e.message = "the prepared statement \(name) vanished from this connection during the open transaction (something ran "
            + "DEALLOCATE or DISCARD behind RealPool's statement cache; \(error.message)). The transaction is aborted; roll it "
            + "back and run it again (the statement is prepared anew)"
        return e
    }

    /// 42P05 inside an explicit transaction.
    static func nameTakenInTransaction(_ error: PostgresError, name: String) -> PostgresError {
        var e = error
        e.message = "the prepared statement name \(name) is already taken on this connection by a statement RealPool's "
            + "statement cache did not create (an SQL-level PREPARE?; \(error.message)). The transaction is aborted; roll it "
            + "back and run it again (outside a transaction RealPool adopts or replaces the statement by itself)"
        return e
    }

    /// An error from preparing the target's text, reported for the caller's text: the position
    /// points into text the caller never wrote unless both texts are the same, so it is dropped.
    static func inCallerTerms(_ error: PostgresError, target: PrepareTarget, query: NormalizedQuery) -> PostgresError {
        var e = error
        if target.sql != query.executableSQL { e.position = nil }
        return e
    }
}
