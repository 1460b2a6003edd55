import RealPoolConnection
import RealPoolNormalizer
/// A registered query shape that runs as a named prepared statement: the handle
/// `PrepareTargetRegistry.register(_:style:)` returns.
///
/// The name is derived from the shape, not from registration order, so the same target gets the
/// same name in every process and after restarts: logs, `pg_prepared_statements` and
/// `pg_stat_statements` can be compared between runs, and a statement another process left on a
/// server-side pooled backend is recognised (see the 42P05 handling in `StatementExecution`).
public struct PrepareTarget: Sendable, Hashable, CustomStringConvertible {
    /// The server-side statement name, `rp_` followed by 16 hexadecimal digits (plus `_2`, `_3`,
    /// ... in the astronomically rare case of two different shapes with equal 64-bit hashes).
    public let name: String
    /// How many parameters the prepared statement takes (`$1...$n` of `sql`).
    public let parameterCount: Int
    /// The text that is prepared: the target as registered, with `?`/`%s` placeholders converted
    /// to `$n`. Its literals stay literal; only the queries that match it are rewritten.
    public let sql: String
    /// The shape's fingerprint (`NormalizedQuery.fingerprint`): what the registry indexes by.
    public let fingerprint: UInt64

    public var description: String { "\(name) (\(parameterCount) parameters): \(sql)" }
}
