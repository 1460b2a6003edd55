import RealPoolConnection
import RealPoolNormalizer
/// What the registry has learned about one target from the connections that prepared it. Shared by
/// every connection, because it depends on the target's text and the schema, not on a session.
struct PreparedTargetKnowledge: Sendable {
    /// The parameter types the server inferred the last time any connection prepared the target;
    /// nil until one did. Used only to skip preparing a target whose types already rule a lifted
    /// literal out; the decision to bind always uses the describing connection's own types.
    var parameterTypes: [PostgresType]?
    /// Whether the last attempt to prepare the target on any connection failed. A failed target is
    /// not tried again for queries whose parse could differ from the target's (lifted literals,
    /// typed parameters) until a query that parses identically prepares it successfully.
    var lastPrepareFailed = false

    /// Prepared successfully at least once and not failed since.
    var isVerified: Bool { parameterTypes != nil && !lastPrepareFailed }
}
