/// One step of a pipelined request. Several steps go to the server together, followed by one
/// Sync, and are read back in one round trip. An error in one step makes the server skip the
/// later steps of the same request (they report ``PostgresError/Kind-swift.enum/pipelineAborted``).
public enum PipelineStep: Sendable {
    /// Parse/bind/execute with the unnamed statement.
    case query(String, [PostgresBind])
    /// Create a named prepared statement. Empty `types` lets the server infer every parameter.
    case prepare(name: String, sql: String, types: [PostgresType])
    /// Execute a named prepared statement.
    case executePrepared(name: String, [PostgresBind])
    /// Describe a named prepared statement: its parameter types and result columns.
    case describePrepared(name: String)
}

/// What a request asks of the server.
package enum ConnectionRequest: Sendable {
    /// The simple query protocol: one string, possibly several statements, no parameters.
    case simple(String)
    /// The extended protocol in pipeline mode: the steps, then one Sync.
    case pipeline([PipelineStep])
}
