/// Which transaction-control statement a `.transactionControl` query is, so the façade can track
/// the transaction state of a pinned connection.
public enum TransactionCommand: Sendable, Equatable {
    /// `BEGIN`, `START TRANSACTION`.
    case begin
    /// `COMMIT`, `END` (with or without `AND CHAIN`).
    case commit
    /// `ROLLBACK`, `ABORT` (with or without `AND CHAIN`).
    case rollback
    /// `SAVEPOINT name`.
    case savepoint
    /// `RELEASE [SAVEPOINT] name`.
    case release
    /// `ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name`.
    case rollbackToSavepoint
    /// `PREPARE TRANSACTION 'id'`.
    case prepareTransaction
    /// `COMMIT PREPARED 'id'`.
    case commitPrepared
    /// `ROLLBACK PREPARED 'id'`.
    case rollbackPrepared
}
