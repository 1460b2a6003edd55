/// The one error type of RealPool's connection layer.
///
/// A server error carries every diagnostic field PostgreSQL sends; the other kinds say what went
/// wrong on the client side. Nothing in an error ever contains a password: connection strings are
/// redacted before they reach a message (see ``ConnectionConfiguration``).
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in broad strokes; ``sqlState`` says exactly what, for server errors.
    public enum Kind: String, Sendable {
        /// The server answered with an error (see ``sqlState`` and the other fields).
        case server
        /// The connection could not be opened (refused, authentication failed, timeout).
        case connectionFailed
        /// The connection broke while in use; a statement in flight may or may not have run.
        case connectionLost
        /// The input was rejected before anything was sent (NUL bytes, too many parameters, ...).
        case invalidInput
        /// A value could not be decoded to the Swift type asked for.
        case decoding
        /// The server did not answer within the time allowed.
        case timeout
        /// The statement was cancelled (by ``Connection/cancel()`` or task cancellation).
        case cancelled
        /// The connection was used in a way its state does not allow (a bug in the caller).
        case misuse
        /// A pipeline step was skipped because an earlier step of the same request failed.
        case pipelineAborted
    }

    /// What went wrong, in broad strokes.
    public var kind: Kind
    /// The server's or the client's primary message.
    public var message: String
    /// Five-character SQLSTATE code (`PG_DIAG_SQLSTATE`); nil for client-side errors.
    public var sqlState: String?
    /// `ERROR`, `FATAL` or `PANIC` (`PG_DIAG_SEVERITY_NONLOCALIZED`).
    public var severity: String?
    /// The server's secondary message (`PG_DIAG_MESSAGE_DETAIL`).
    public var detail: String?
    /// The server's suggestion what to do about it (`PG_DIAG_MESSAGE_HINT`).
    public var hint: String?
    /// 1-based character position in the SQL text (`PG_DIAG_STATEMENT_POSITION`).
    public var position: Int?
    /// Server source routine (`PG_DIAG_SOURCE_FUNCTION`); the statement cache uses it to recognise
    /// `RevalidateCachedQuery` ("cached plan must not change result type").
    public var routine: String?
    /// The schema of the object the error is about, when the server names one.
    public var schemaName: String?
    /// The table the error is about, when the server names one.
    public var tableName: String?
    /// The column the error is about, when the server names one.
    public var columnName: String?
    /// The violated constraint, for integrity errors.
    public var constraintName: String?
    /// Where the error arose, e.g. the PL/pgSQL call stack (`PG_DIAG_CONTEXT`).
    public var context: String?

    /// Creates an error; RealPool fills the server fields from the server's response.
    public init(
        _ kind: Kind, _ message: String, sqlState: String? = nil, severity: String? = nil,
        detail: String? = nil, hint: String? = nil, position: Int? = nil, routine: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.position = position
        self.routine = routine
    }

    public var description: String {
        var s: String
        switch kind {
        case .server: s = "\(severity ?? "ERROR"): \(message)"
        default: s = "\(kind.rawValue): \(message)"
        }
        if let sqlState { s += " (SQLSTATE \(sqlState))" }
        if let position { s += " at character \(position)" }
        if let detail { s += "\nDETAIL: \(detail)" }
        if let hint { s += "\nHINT: \(hint)" }
        return s
    }
}

extension PostgresError {
    static func invalidInput(_ message: String) -> PostgresError { PostgresError(.invalidInput, message) }
}
