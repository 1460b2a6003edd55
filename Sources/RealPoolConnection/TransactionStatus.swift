import CLibPQ

/// Where the connection is with respect to transactions (libpq `PQtransactionStatus`).
public enum TransactionStatus: String, Sendable {
    /// No transaction open: the connection may be handed to another lessee.
    case idle
    /// A transaction block is open.
    case inTransaction
    /// A transaction block is open and has failed; only `ROLLBACK` will be accepted.
    case inFailedTransaction
    /// A command is in progress.
    case active
    /// The connection is bad.
    case unknown

    init(_ status: PGTransactionStatusType) {
        switch status {
        case PQTRANS_IDLE: self = .idle
        case PQTRANS_INTRANS: self = .inTransaction
        case PQTRANS_INERROR: self = .inFailedTransaction
        case PQTRANS_ACTIVE: self = .active
        default: self = .unknown
        }
    }
}
