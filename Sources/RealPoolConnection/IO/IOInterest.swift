/// What a connection waits for on its socket before libpq can make progress.
enum IOInterest: Sendable {
    case read
    /// Output is still queued (`PQflush` returned 1). Waiting for readability too matters:
    /// the server may be blocked writing results to us while we are blocked writing to it.
    case readWrite
}
