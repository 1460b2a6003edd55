import CLibPQ

/// One request in flight on a connection: sends it, then reads its results as the socket allows.
///
/// `advance()` never blocks. It returns what to wait for, or nil once every result is in; the
/// blocking and the async paths differ only in how they wait between calls.
package struct Exchange {
    private let pg: OpaquePointer
    private let isPipeline: Bool
    private var flushed = false
    /// Results so far, one per step (pipeline) or per statement (simple).
    private(set) var outcomes: [Result<QueryResult, PostgresError>] = []
    /// The current step's result while its terminating NULL has not been read yet.
    private var pending: Result<QueryResult, PostgresError>?
    private(set) var finished = false
    /// Set when the server or libpq reported the connection unusable.
    private(set) var lost: PostgresError?

    /// Sends the request (buffers it in libpq; nothing waits here).
    init(connection: Connection, request: ConnectionRequest) throws {
        self.pg = connection.pg
        guard !connection.isClosed, !connection.isBroken else {
            throw PostgresError(.connectionLost, "the connection is closed")
        }
        switch request {
        case .simple(let sql):
            try Self.checkText(sql, what: "SQL text")
            isPipeline = false
            guard sql.withCString({ PQsendQuery(pg, $0) }) == 1 else { throw Self.sendFailure(connection) }
        case .pipeline(let steps):
            isPipeline = true
            precondition(!steps.isEmpty, "a pipeline needs at least one step")
            for step in steps { try Self.validate(step) }
            guard PQenterPipelineMode(pg) == 1 else { throw Self.sendFailure(connection) }
            for step in steps {
                guard Self.send(step, on: pg) == 1 else {
                    let e = Self.sendFailure(connection)
                    Self.discardPipeline(pg)
                    throw e
                }
            }
            guard PQpipelineSync(pg) == 1 else {
                let e = Self.sendFailure(connection)
                Self.discardPipeline(pg)
                throw e
            }
        }
    }

    /// Makes whatever progress the socket allows. Returns nil when the exchange is complete.
    mutating func advance() throws -> IOInterest? {
        if !flushed {
            switch PQflush(pg) {
            case 0: flushed = true
            case 1:
                // keep reading while we write, or a server blocked on a full socket deadlocks us
                if PQconsumeInput(pg) == 0 { return try connectionLost() }
                return .readWrite
            default: return try connectionLost()
            }
        }
        var nullsInARow = 0
        while !finished {
            if PQisBusy(pg) == 1 { return .read }
            guard let raw = PQgetResult(pg) else {
                // In pipeline mode a second NULL in a row means libpq has nothing more: after a
                // lost connection it returns NULL forever.
                nullsInARow += 1
                if isPipeline && nullsInARow > 1 {
                    if PQstatus(pg) == CONNECTION_BAD { return try connectionLost() }
                    return .read
                }
                endOfStatement()
                if !isPipeline { finished = true }
                continue
            }
            nullsInARow = 0
            switch Self.event(for: raw, on: pg) {
            case .sync:
                finished = true
                PQexitPipelineMode(pg)
            case .step(let outcome):
                // a simple query may carry several statements, each its own result
                if !isPipeline, let p = pending { outcomes.append(p) }
                pending = outcome
            case .ignored:
                continue
            case .connectionBroken(let error):
                throw lose(error)
            case .unusable(let error):
                lost = error
                throw error
            }
        }
        return nil
    }

    /// What one result from `PQgetResult` means for the request it belongs to.
    enum ResultEvent {
        /// The end of a request (`PGRES_PIPELINE_SYNC`).
        case sync
        /// A step's outcome (its terminating NULL follows).
        case step(Result<QueryResult, PostgresError>)
        /// Nothing for the caller (a non-fatal notice result).
        case ignored
        /// A fatal error after which libpq reports the connection bad.
        case connectionBroken(PostgresError)
        /// A state the connection cannot be reused from (COPY, an unknown status).
        case unusable(PostgresError)
    }

    /// Classifies a result, taking ownership of it; shared with the multiplexer, which reads many
    /// callers' requests. Only a result someone keeps (a step's rows, an error to read) gets a
    /// handle; the others (a Sync's, a notice's) are freed at once.
    static func event(for raw: OpaquePointer, on pg: OpaquePointer) -> ResultEvent {
        let status = PQresultStatus(raw)
        switch status {
        case PGRES_PIPELINE_SYNC:
            PQclear(raw)
            return .sync
        case PGRES_NONFATAL_ERROR:
            PQclear(raw)
            return .ignored
        case PGRES_PIPELINE_ABORTED:
            PQclear(raw)
            return .step(.failure(PostgresError(.pipelineAborted, "not executed: an earlier step of the same pipeline failed")))
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return .step(.success(QueryResult(handle: ResultHandle(raw))))
        case PGRES_FATAL_ERROR:
            let error = ResultHandle(raw).serverError()
            return PQstatus(pg) == CONNECTION_BAD ? .connectionBroken(error) : .step(.failure(error))
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(raw)
            // RealPool does not speak COPY through execute(); the connection is left in a state only
            // COPY calls can end, so it must not be reused.
            return .unusable(PostgresError(.misuse, "COPY is not supported by execute(); the connection was closed"))
        default:
            PQclear(raw)
            return .unusable(PostgresError(.misuse, "unexpected result status \(String(cString: PQresStatus(status)))"))
        }
    }

    /// Called after each step's terminating NULL.
    private mutating func endOfStatement() {
        if let p = pending {
            outcomes.append(p)
            pending = nil
        } else if isPipeline {
            // A step that produced no result at all cannot happen in libpq; be explicit if it does.
            outcomes.append(.failure(PostgresError(.misuse, "no result for a pipeline step")))
        }
    }

    private mutating func connectionLost() throws -> IOInterest? {
        throw lose(PostgresError(.connectionLost, "connection to the server was lost: \(String(cString: PQerrorMessage(pg)).trimmingTrailingNewlines)"))
    }

    /// The error to report for a lost connection. When the server said why before closing
    /// (57P01 after `pg_terminate_backend`, 57P02 on shutdown), that reason wins over libpq's
    /// generic "server closed the connection unexpectedly".
    private mutating func lose(_ error: PostgresError) -> PostgresError {
        var e = error
        if e.sqlState == nil, case .failure(let earlier)? = pending ?? outcomes.last, earlier.sqlState != nil {
            e = earlier
        }
        e.kind = .connectionLost
        lost = e
        return e
    }

    // MARK: sending

    static func validate(_ step: PipelineStep) throws {
        switch step {
        case .query(let sql, let params):
            try checkText(sql, what: "SQL text")
            try checkParameters(params)
        case .prepare(let name, let sql, let types):
            try checkText(name, what: "statement name")
            try checkText(sql, what: "SQL text")
            if types.count > 65535 { throw PostgresError.invalidInput("\(types.count) parameter types; PostgreSQL allows at most 65535 parameters") }
        case .executePrepared(let name, let params):
            try checkText(name, what: "statement name")
            try checkParameters(params)
        case .describePrepared(let name):
            try checkText(name, what: "statement name")
        }
    }

    package static func checkText(_ s: String, what: String) throws {
        if s.utf8.contains(0) {
            throw PostgresError.invalidInput("the \(what) contains a NUL byte (\\0), which PostgreSQL cannot store in text; nothing was sent")
        }
    }

    package static func checkParameters(_ params: [PostgresBind]) throws {
        if params.count > 65535 {
            throw PostgresError.invalidInput("\(params.count) parameters; PostgreSQL allows at most 65535 in one statement; nothing was sent")
        }
        for (i, p) in params.enumerated() where p.format == .text {
            if let b = p.bytes, b.contains(0) {
                throw PostgresError.invalidInput("parameter $\(i + 1) contains a NUL byte (\\0), which PostgreSQL cannot store in text; send binary data as bytea (Data or PostgresBytes); nothing was sent")
            }
        }
    }

    static func send(_ step: PipelineStep, on pg: OpaquePointer) -> Int32 {
        switch step {
        // explicit `withCString`: the implicit String-to-pointer conversion copied the text into
        // a new array on every call here
        case .query(let sql, let params):
            return sql.withCString { sql in
                withParameters(params) { n, types, values, lengths, formats in
                    PQsendQueryParams(pg, sql, n, types, values, lengths, formats, 0)
                }
            }
        case .prepare(let name, let sql, let types):
            let oids = types.map { Oid($0.rawValue) }
            return oids.withUnsafeBufferPointer { t in
                PQsendPrepare(pg, name, sql, Int32(oids.count), oids.isEmpty ? nil : t.baseAddress)
            }
        case .executePrepared(let name, let params):
            return name.withCString { name in
                withParameters(params) { n, _, values, lengths, formats in
                    PQsendQueryPrepared(pg, name, n, values, lengths, formats, 0)
                }
            }
        case .describePrepared(let name):
            return PQsendDescribePrepared(pg, name)
        }
    }

    /// Lays every parameter's bytes out in one buffer and passes libpq pointers into it. Every
    /// array libpq wants lives in scratch memory (on the stack when small): this runs for every
    /// statement sent.
    private static func withParameters(
        _ params: [PostgresBind],
        _ body: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Int32
    ) -> Int32 {
        let n = params.count
        if n == 0 { return body(0, nil, nil, nil, nil) }
        var total = 0
        for p in params { total += (p.bytes?.count ?? 0) + 1 }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: total) { storage in
            withUnsafeTemporaryAllocation(of: Oid.self, capacity: n) { types in
                // lengths, then formats
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * n) { ints in
                    withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: n) { values in
                        let base = storage.baseAddress!
                        var offset = 0
                        for (i, p) in params.enumerated() {
                            types[i] = Oid(p.type.rawValue)
                            ints[n + i] = p.format.rawValue
                            guard let bytes = p.bytes else {
                                ints[i] = 0
                                values[i] = nil
                                continue
                            }
                            ints[i] = Int32(bytes.count)
                            values[i] = UnsafePointer(base + offset)
                            bytes.withUnsafeBytes { src in
                                if !src.isEmpty { UnsafeMutableRawPointer(base + offset).copyMemory(from: src.baseAddress!, byteCount: src.count) }
                            }
                            offset += bytes.count
                            base[offset] = 0  // text values are read as C strings
                            offset += 1
                        }
                        return body(Int32(n), types.baseAddress, UnsafePointer(values.baseAddress), UnsafePointer(ints.baseAddress), UnsafePointer(ints.baseAddress! + n))
                    }
                }
            }
        }
    }

    private static func sendFailure(_ connection: Connection) -> PostgresError {
        if PQstatus(connection.pg) == CONNECTION_BAD {
            connection.markBroken()
            return PostgresError(.connectionLost, "connection to the server was lost: \(connection.lastErrorMessage())")
        }
        return PostgresError(.misuse, "libpq refused the request: \(connection.lastErrorMessage())")
    }

    private static func discardPipeline(_ pg: OpaquePointer) {
        // Nothing was flushed with a Sync; the connection cannot be trusted to be in step.
        PQexitPipelineMode(pg)
    }
}
