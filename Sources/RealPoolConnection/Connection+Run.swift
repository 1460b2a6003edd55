import Foundation
import CLibPQ

extension Connection {
    /// Sends a request and reads all of its results, waiting on the calling thread.
    package func run(_ request: ConnectionRequest, deadline: ContinuousClock.Instant? = nil) throws -> [Result<QueryResult, PostgresError>] {
        var exchange = try start(request)
        var cancel: PendingCancel?
        ReplySpin.waiting.add(1, ordering: .relaxed)
        defer { ReplySpin.waiting.subtract(1, ordering: .relaxed) }
        do {
            while let interest = try exchange.advance() {
                if case .read = interest, cancel == nil, pollForReply() {
                    if try !consumeInput(&exchange) { break }
                    continue
                }
                if try !BlockingSocketWait.wait(socket: socket, for: interest, deadline: cancel?.wakeBy ?? deadline) {
                    try cancelOrGiveUp(&cancel, graceFrom: deadline ?? .now)
                }
                if try !consumeInput(&exchange) { break }
            }
        } catch {
            throw failed(error)
        }
        return try finish(exchange, timedOut: cancel != nil)
    }

    /// Sends a request and reads all of its results, suspending (not blocking) while the server
    /// works. Cancelling the task sends a cancel request to the server and then still reads the
    /// request's results, so the connection stays in step and can be reused; the task then throws
    /// `CancellationError`, also when the server never acknowledged the cancel within
    /// `cancelGrace` and the connection was closed.
    package func run(_ request: ConnectionRequest, deadline: ContinuousClock.Instant? = nil) async throws -> [Result<QueryResult, PostgresError>] {
        var exchange = try start(request)
        var cancel: PendingCancel?
        var taskCancelled = false
        ReplySpin.waiting.add(1, ordering: .relaxed)
        defer { ReplySpin.waiting.subtract(1, ordering: .relaxed) }
        do {
            while let interest = try exchange.advance() {
                if case .read = interest, cancel == nil, pollForReply() {
                    if try !consumeInput(&exchange) { break }
                    continue
                }
                do {
                    let outcome = try await SocketPoller.forCurrentThread.wait(
                        socket: socket, for: interest, deadline: cancel?.wakeBy ?? deadline, cancellable: cancel == nil)
                    if outcome == .timedOut { try cancelOrGiveUp(&cancel, graceFrom: deadline ?? .now) }
                } catch is CancellationError {
                    taskCancelled = true
                    try cancelOrGiveUp(&cancel, graceFrom: .now)
                }
                if try !consumeInput(&exchange) { break }
            }
        } catch {
            let e = failed(error)
            // the caller cancelled and the server never acknowledged it: the connection is closed,
            // but what the caller asked for was the cancellation
            if taskCancelled, (e as? PostgresError)?.kind == .timeout { throw CancellationError() }
            throw e
        }
        if taskCancelled { throw CancellationError() }
        return try finish(exchange, timedOut: cancel != nil)
    }

    /// A cancel request in progress: when to ask the server again, and when to give up on it.
    struct PendingCancel {
        let giveUpAt: ContinuousClock.Instant
        var askAgainAt: ContinuousClock.Instant
        var wakeBy: ContinuousClock.Instant { min(giveUpAt, askAgainAt) }
    }

    /// The wait ran out: the first time, sends a cancel request and starts the grace period; then,
    /// until the grace period is over, sends it again each `cancelRetry`; then gives up, closing
    /// the connection. The server ignores a cancel that arrives while the backend has not read the
    /// statement yet (the backend is idle then), so a single request can be lost to a race with
    /// the statement itself.
    private func cancelOrGiveUp(_ cancel: inout PendingCancel?, graceFrom start: ContinuousClock.Instant) throws {
        let now = ContinuousClock.now
        if let pending = cancel {
            if now >= pending.giveUpAt { throw abandonAfterTimeout() }
            cancel?.askAgainAt = now.advanced(by: Self.cancelRetry)
        } else {
            cancel = PendingCancel(giveUpAt: max(start, now).advanced(by: Self.cancelGrace), askAgainAt: now.advanced(by: Self.cancelRetry))
        }
        cancelInBackground()
    }

    /// A bounded poll for the reply before suspending; see ``ReplySpin`` for when it happens.
    private func pollForReply() -> Bool {
        guard let budget = configuration.replySpin, budget > .zero,
              ReplySpin.waiting.load(ordering: .relaxed) <= ReplySpin.maxWaiting,
              SocketPoller.mayPollForReplyOnCurrentThread,
              replySpinHistory.shouldPoll() else { return false }
        let hit = ReplySpin.poll(socket: socket, budget: budget)
        replySpinHistory.record(hit: hit)
        return hit
    }

    /// Reads what arrived on the socket. Returns false when the exchange is complete although
    /// the socket has closed behind its last result (the connection is then marked broken).
    private func consumeInput(_ exchange: inout Exchange) throws -> Bool {
        if PQconsumeInput(pg) == 1 { return true }
        // The server may have sent an error (say, 57P01 after pg_terminate_backend) before
        // closing: let the exchange read it, so the caller sees the server's own reason.
        let message = lastErrorMessage()
        if try exchange.advance() == nil {
            markBroken()
            return false
        }
        throw PostgresError(.connectionLost, "connection to the server was lost: \(message)")
    }

    /// How long to wait for the server to acknowledge a cancel before giving the connection up.
    static let cancelGrace: Duration = .seconds(5)
    /// How long after a cancel request with no answer to send it again, within `cancelGrace`.
    static let cancelRetry: Duration = .seconds(1)

    private func start(_ request: ConnectionRequest) throws -> Exchange {
        do {
            return try Exchange(connection: self, request: request)
        } catch let e as PostgresError where e.kind == .invalidInput {
            throw e
        } catch {
            throw failed(error)
        }
    }

    private func finish(_ exchange: Exchange, timedOut: Bool) throws -> [Result<QueryResult, PostgresError>] {
        if timedOut {
            // The statement either finished anyway or was cancelled (57014); report the timeout
            // in place of the cancellation so the caller knows why.
            return exchange.outcomes.map { outcome in
                if case .failure(let e) = outcome, e.sqlState == "57014" {
                    var t = e
                    t.kind = .timeout
                    t.message = "the statement did not finish in time and was cancelled (\(e.message))"
                    return .failure(t)
                }
                return outcome
            }
        }
        return exchange.outcomes
    }

    /// Any failure while a request is in flight leaves the protocol state unknown: the
    /// connection is marked broken and closed so that nobody reuses it.
    private func failed(_ error: any Error) -> any Error {
        markBroken()
        close()
        if var e = error as? PostgresError, e.kind != .connectionLost, e.kind != .timeout, e.kind != .misuse {
            e.kind = .connectionLost
            return e
        }
        return error
    }

    private func abandonAfterTimeout() -> PostgresError {
        PostgresError(.timeout, "the server did not answer in time, even to a cancel request; the connection was closed")
    }

    /// `PQcancel` opens a connection and waits for it, with no timeout of its own: run it on a
    /// thread of its own and do not wait for it, so a server or network that stalls the cancel
    /// too cannot hang the caller (the grace period then ends the wait).
    package func cancelInBackground() {
        Thread { [self] in
            // PQcancel writes with plain send(): on a connection the server has just closed that
            // raises SIGPIPE, which would kill the process. Blocked here, it is discarded when
            // this thread ends, and the write fails with EPIPE instead.
            var pipe = sigset_t()
            sigemptyset(&pipe)
            sigaddset(&pipe, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipe, nil)
            cancel()
        }.start()
    }
}
