/// The kind of a statement, decided from its leading keywords (and, for session state hidden in a
/// query, from the functions it calls).
public enum StatementKind: String, Sendable {
    /// No statement at all: only whitespace, comments and semicolons.
    case empty
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, savepoints and two-phase commit; see `TransactionCommand`.
    case transactionControl
    /// Changes state that outlives the statement on its connection (`SET` without `LOCAL`,
    /// `LISTEN`, temporary tables, session advisory locks, SQL-level `PREPARE`, ...).
    case sessionState
    /// What PostgreSQL's `PREPARE` accepts: `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `MERGE`,
    /// `VALUES`, `TABLE` and `WITH ...` of those.
    case preparable
    /// Everything else (DDL, `COPY`, `EXPLAIN`, `SET LOCAL`, ...): runs plainly, never prepared.
    case utility
    /// More than one statement: runs plainly through the simple query protocol.
    case multiStatement
    /// The normaliser could not lex the text; it runs plainly and the server reports any error.
    case unlexable
}
