import CLibPQ
#if canImport(Glibc)
import Glibc
#endif
import Logging
import RealPoolSupport

/// One physical libpq connection to PostgreSQL.
///
/// A connection serves one user at a time: the pool guarantees that, and the type does not lock.
/// It is `Sendable` so that it can move between tasks and threads with its lease. Every operation
/// exists twice over the same code: `async` (waits for socket readiness through the shared
/// `SocketPoller`, never parking a cooperative thread) and blocking (waits with `poll(2)` on the
/// caller's thread).
///
/// The connection is always in libpq's non-blocking mode; both paths drive the same
/// `Exchange` state machine and differ only in how they wait.
public final class Connection: @unchecked Sendable {
    let pg: OpaquePointer
    /// How this connection was opened.
    public let configuration: ConnectionConfiguration
    /// The server process serving this connection (`pg_backend_pid()`).
    public let backendPID: Int32
    /// `server_version_num`, e.g. 150018.
    public let serverVersion: Int
    package let logger: Logger
    private let notices: Unmanaged<NoticeContext>
    /// `PGcancel` is safe to use from any thread. `close` drops the connection's reference; a
    /// `cancel` in flight keeps its own, so closing never waits for a cancel request (which may
    /// hang on a stalled network) and never frees the handle under it.
    private let cancelHandle: Locked<CancelHandle?>
    /// Set once the connection has failed or been closed; it is never used again.
    public private(set) var isClosed = false
    /// Whether the last request left a fatal condition (lost connection, protocol misuse).
    public private(set) var isBroken = false
    /// How this connection's recent reply polls went (see ``ReplySpin``).
    var replySpinHistory = ReplySpinHistory()

    init(pg: OpaquePointer, configuration: ConnectionConfiguration, logger: Logger) {
        self.pg = pg
        self.configuration = configuration
        self.backendPID = PQbackendPID(pg)
        self.serverVersion = Int(PQserverVersion(pg))
        var logger = logger
        logger[metadataKey: "db.backend_pid"] = "\(PQbackendPID(pg))"
        self.logger = logger
        self.notices = Unmanaged.passRetained(NoticeContext(logger: logger))
        self.cancelHandle = Locked(PQgetCancel(pg).map(CancelHandle.init))
        PQsetNoticeReceiver(pg, noticeReceiver, notices.toOpaque())
        PQsetnonblocking(pg, 1)
    }

    deinit {
        close()
        notices.release()
    }

    /// Closes the connection (sends Terminate). Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        cancelHandle.withLock { $0 = nil }
        PQfinish(pg)
    }

    /// Transaction status as of the last message the server sent.
    public var transactionStatus: TransactionStatus {
        isClosed ? .unknown : TransactionStatus(PQtransactionStatus(pg))
    }

    /// Asks the server to cancel the statement running on this connection. Safe to call from any
    /// thread while another thread or task waits for the result; the waiter then receives a
    /// ``PostgresError`` with SQLSTATE 57014. Returns false when the request could not be sent.
    /// Opens a short-lived second connection to the server, so this call blocks briefly.
    @discardableResult
    public func cancel() -> Bool {
        guard let handle = cancelHandle.withLock({ $0 }) else { return false }
        var buf = [CChar](repeating: 0, count: 256)
        return PQcancel(handle.pointer, &buf, 256) == 1
    }

    /// A zero-round-trip check, for an idle connection, that the server has not dropped it.
    ///
    /// The server sends nothing to an idle session unprompted except to end it: a FATAL error
    /// (`pg_terminate_backend`, shutdown, idle timeouts) followed by EOF. So a readable socket
    /// means the connection is gone, and this is one `poll(2)` with a zero timeout. (A config
    /// reload can also send a ParameterStatus; the connection is then replaced needlessly, which
    /// costs one reconnect and never an error.)
    public func isAlive() -> Bool {
        if isClosed || isBroken || PQstatus(pg) != CONNECTION_OK { return false }
        var pfd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, 0)
        if ready == 0 { return true }
        markBroken()
        return false
    }

    /// A server parameter as last reported (`server_version`, `TimeZone`, `DateStyle`, ...).
    public func parameterStatus(_ name: String) -> String? {
        name.withCString { PQparameterStatus(pg, $0) }.map { String(cString: $0) }
    }

    /// The socket descriptor libpq currently uses.
    var socket: Int32 { PQsocket(pg) }

    func markBroken() { isBroken = true }

    func lastErrorMessage() -> String {
        String(cString: PQerrorMessage(pg)).trimmingTrailingNewlines
    }
}

/// libpq's `PGcancel`, which its documentation allows to use from any thread; freed when the
/// last user lets go.
final class CancelHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQfreeCancel(pointer) }
}

/// Routes server notices (NOTICE, WARNING, ...) to the connection's logger.
final class NoticeContext: @unchecked Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private let noticeReceiver: PQnoticeReceiver = { arg, result in
    guard let arg, let result else { return }
    let ctx = Unmanaged<NoticeContext>.fromOpaque(arg).takeUnretainedValue()
    func field(_ c: Character) -> String? {
        PQresultErrorField(result, Int32(c.asciiValue!)).map { String(cString: $0) }
    }
    let severity = field("V") ?? field("S") ?? "NOTICE"
    let level: Logger.Level
    switch severity {
    case "WARNING": level = .warning
    case "NOTICE": level = .notice
    case "INFO", "LOG": level = .info
    default: level = .debug
    }
    var metadata: Logger.Metadata = ["db.severity": "\(severity)"]
    if let code = field("C") { metadata["db.sqlstate"] = "\(code)" }
    ctx.logger.log(level: level, "\(field("M") ?? "")", metadata: metadata)
}
