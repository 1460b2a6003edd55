import Logging
import RealPoolConnection
import RealPoolNormalizer

/// The decisions for running one statement on one connection, as a state machine with no I/O.
///
/// `start` and `handle` return what to send next (one pipeline: one round trip) or the outcome;
/// `StatementRunner` performs the sends, async or blocking, so both paths share every decision.
/// The machine reads and updates the connection's `StatementCache` and the shared registry's
/// knowledge; it never waits, and it knows nothing about leasing (see `StatementCache` on
/// multiplexing).
///
/// Rules it keeps (the design's "rewriting never changes meaning" and "recover only when it is safe"):
/// - a statement that may have executed is never sent again: retries happen only after outcomes
///   that prove the caller's statement did not run (a failed Parse, 26000 or 0A000 at Bind, a step
///   skipped because an earlier step of the same pipeline failed);
/// - re-preparing and retrying happen only when no explicit transaction was open before the first
///   send, since inside one the error has already aborted the transaction.
struct StatementExecution {
    enum Next {
        /// Send these steps as one pipeline and pass the outcomes to `handle`.
        case send([PipelineStep])
        case finished(QueryResult)
        case failed(PostgresError)
    }

    enum Phase {
        /// The caller's statement, unchanged (`executableSQL` and its own parameters).
        case plain
        /// Execute a statement this connection has prepared; `counted` once counted as a miss.
        case executePrepared(StatementCache.Entry, isHit: Bool)
        /// Prepare and describe the target; with `execute`, also execute it in the same pipeline
        /// (no type check needed), otherwise decide after reading the description.
        case prepare(execute: Bool)
        /// Prepare said 42P05: read the server's text for the name.
        case lookUpExisting
        /// The server's statement has the target's text: describe it to adopt it.
        case describeExisting
    }

    let query: NormalizedQuery
    let parameters: [PostgresBind]
    let match: TargetMatch?
    /// The statement `match` runs as with these parameters: its name and declared types.
    let variant: StatementVariant?
    let registry: PrepareTargetRegistry
    let cache: StatementCache
    /// What this statement did to the cache, counted as it happens (each count also goes into the
    /// cache's own totals): the caller gets it beside the result, so nobody reads the cache's
    /// totals before and after a statement and takes the difference.
    private(set) var counted = StatementCacheStatistics()
    /// No explicit transaction was open before the first send (`transactionStatus == .idle`).
    let startedIdle: Bool
    let startStatus: TransactionStatus
    /// The connection's logger (pool name and backend PID in its metadata). Everything logged here
    /// is at debug, except a prepare target that cannot be used at all (warning): this runs for
    /// every statement, and production logs must stay quiet.
    let logger: Logger

    private(set) var phase: Phase = .plain
    /// DEALLOCATEs at the front of the request in flight.
    private(set) var sentDeallocations: [String] = []
    /// The generation (`StatementCache.generation(of:)`) of the statement the request in flight
    /// executes: an error about an older generation says nothing about the current statement.
    private var executedGeneration = 0
    /// Cleared after a piggy-backed DEALLOCATE failed, so one bad name costs one extra trip only.
    private var mayDeallocate = true
    private var healed = false
    private var lookedUp = false
    private var sends = 0

    /// Requests one statement may need at most: deallocation retry, 42P05 look-up and adoption,
    /// one heal, describe-then-execute. Beyond that something is wrong; stop rather than loop.
    static let maxSends = 8

    /// For executions nobody observes (the state-machine tests).
    static let silent = Logger(label: "RealPool") { _ in SwiftLogNoOpLogHandler() }

    /// What every log line of this statement carries besides the connection's own metadata.
    func logMetadata(_ sqlState: String? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["db.query.fingerprint": "\(query.fingerprintHex)"]
        if let variant { metadata["realpool.statement"] = "\(variant.name)" }
        if let sqlState { metadata["db.sqlstate"] = "\(sqlState)" }
        return metadata
    }

    init(query: NormalizedQuery, parameters: [PostgresBind], match: TargetMatch?, registry: PrepareTargetRegistry,
         cache: StatementCache, transactionStatus: TransactionStatus, logger: Logger = StatementExecution.silent) {
        self.query = query
        self.logger = logger
        self.parameters = parameters
        self.match = match
        self.variant = match.map { StatementVariant($0, parameters: parameters) }
        self.registry = registry
        self.cache = cache
        self.startStatus = transactionStatus
        self.startedIdle = transactionStatus == .idle
    }

    // MARK: driving

    /// Counts into `counted` and the cache's totals; `cachedAlready` for what the cache counted
    /// itself (its evictions and deallocations).
    private mutating func count(_ field: WritableKeyPath<StatementCacheStatistics, Int>, by n: Int = 1, cachedAlready: Bool = false) {
        guard n != 0 else { return }
        counted[keyPath: field] += n
        if !cachedAlready { cache.statistics[keyPath: field] += n }
    }

    mutating func start() -> Next {
        phase = decide(transactionStatus: startStatus)
        return send(transactionStatus: startStatus)
    }

    /// Takes the outcomes of the request `start` or the previous `handle` asked for.
    mutating func handle(_ outcomes: [Result<QueryResult, PostgresError>], transactionStatus: TransactionStatus) -> Next {
        // Our Parse has been answered (or skipped): nobody may bind to it on the strength of it
        // being in flight any more.
        if case .prepare = phase { cache.preparationEnded(variant!.name) }
        // Piggy-backed deallocations first. A failure there (the server no longer had the name)
        // made the server skip the caller's steps, so they certainly did not run: send them again.
        var deallocationFailed = false
        for (i, name) in sentDeallocations.enumerated() where i < outcomes.count {
            switch outcomes[i] {
            case .success: if cache.didDeallocate(name) { count(\.deallocations, cachedAlready: true) }
            case .failure(let e) where e.kind == .pipelineAborted: cache.unclaim(name)  // still pending
            case .failure:
                cache.forgetPending(name)
                deallocationFailed = true
            }
        }
        let main = Array(outcomes.dropFirst(sentDeallocations.count))
        sentDeallocations = []
        // In one pipeline with the caller's steps, a failed DEALLOCATE made the server skip them;
        // multiplexed, each DEALLOCATE has its own Sync and the caller's steps ran regardless.
        let mainSkipped: Bool
        if case .failure(let e)? = main.first, e.kind == .pipelineAborted { mainSkipped = true } else { mainSkipped = false }
        if deallocationFailed { mayDeallocate = false }
        if deallocationFailed && mainSkipped {
            // The rest of the pending names go with a later statement. A fresh decision only for
            // a prepare: it may have counted on a stale name being deallocated first.
            if case .prepare = phase { phase = decide(transactionStatus: transactionStatus) }
            return send(transactionStatus: transactionStatus)
        }
        guard !main.isEmpty else { return .failed(PostgresError(.misuse, "the statement layer received no result for its request")) }

        switch phase {
        case .plain:
            return finishPlain(main[0])
        case .executePrepared(let entry, let isHit):
            return handleExecute(main[0], entry: entry, isHit: isHit, transactionStatus: transactionStatus)
        case .prepare(let execute):
            return handlePrepare(main, execute: execute, transactionStatus: transactionStatus)
        case .lookUpExisting:
            return handleLookUp(main[0], transactionStatus: transactionStatus)
        case .describeExisting:
            return handleDescribeExisting(main[0], transactionStatus: transactionStatus)
        }
    }

    // MARK: deciding

    /// What to send for the caller's statement given the cache, the registry and the transaction
    /// status now.
    mutating func decide(transactionStatus: TransactionStatus) -> Phase {
        // In a failed transaction every statement fails with 25P02 either way; plain gives exactly
        // the plain error. `.active`/`.unknown` mean the connection is not usable as expected.
        guard let match, let variant, transactionStatus == .idle || transactionStatus == .inTransaction else { return .plain }
        switch Self.unfit(match, parameters: parameters, query: query) {
        case .parameterCount?:
            return .plain
        case .sharedStringLiteral?:
            countTypeFallback("a string literal fills a target parameter used at several places, where each written constant gets its own type")
            return .plain
        case nil:
            break
        }
        let target = match.target
        guard cache.canHold(sqlBytes: target.sql.utf8.count) else { return .plain }

        if let entry = cache.get(variant.name) ?? cache.reclaim(variant.name) {
            if let why = Self.mismatch(match, parameters: parameters, variant: variant, types: entry.parameterTypes) {
                countTypeFallback(why)
                return .plain
            }
            return .executePrepared(entry, isHit: true)
        }
        if cache.isPreparing(variant.name) {
            // Another caller's Parse of the statement is ahead of us in this connection's pipeline
            // (multiplexing): bind to it. Without its types, only when no type check is needed
            // (the name carries the declared types, so those are the same).
            guard !Self.needsTypeCheck(match, parameters: parameters) else { return .plain }
            let provisional = StatementCache.Entry(name: variant.name, sql: target.sql, parameterTypes: [], columns: [])
            return .executePrepared(provisional, isHit: true)
        }
        // A stale statement of that name must be deallocated first, which happens only while idle.
        if cache.needsDeallocationFirst(variant.name), !mayFlush(transactionStatus) { return .plain }

        let knowledge = registry.knowledge(of: variant.name)
        let parseMayDiffer = Self.parseMayDiffer(match, parameters: parameters)
        if parseMayDiffer {
            // The target's text parses differently from the caller's (a literal became a
            // parameter, or an untyped parameter fills places of its own), so the target might fail
            // to prepare where the plain query succeeds. Do not try again after such a failure, and
            // never risk it inside a transaction, where a failed Parse would abort the caller's
            // transaction: there use only statements known to prepare. One exception is provable:
            // when only numbers are lifted (declared with their own types, so analysed exactly like
            // the constants), the only other way to fail is the grammar refusing a parameter where
            // the text has a constant, and the grammar knows no types: any statement of the target
            // that prepared proves it accepts them.
            if knowledge.lastPrepareFailed { return .plain }
            if transactionStatus == .inTransaction, !knowledge.isVerified,
               !(Self.liftsOnlyDeclaredNumbers(match, parameters: parameters) && registry.hasParsed(target: target.name)) {
                return .plain
            }
        }
        if Self.needsTypeCheck(match, parameters: parameters) {
            // Another connection already learned the types: skip preparing what cannot be used.
            if let types = knowledge.parameterTypes, let why = Self.mismatch(match, parameters: parameters, variant: variant, types: types) {
                countTypeFallback(why)
                return .plain
            }
            return .prepare(execute: false)
        }
        return .prepare(execute: true)
    }

    /// Counts and logs a query that runs plainly because the prepared statement could mean
    /// something else (`StatementCacheStatistics.typeMismatchFallbacks`).
    mutating func countTypeFallback(_ reason: String) {
        count(\.typeMismatchFallbacks)
        logger.debug("running plainly, since the prepared statement might not mean the same: \(reason)", metadata: logMetadata())
    }

    /// Piggy-backed `DEALLOCATE`s are sent only while no transaction is open: one that fails (the
    /// statement was removed behind the cache's back) aborts the rest of its pipeline, which
    /// outside a transaction is only our own request, retried without it, but inside one would
    /// abort the caller's transaction.
    func mayFlush(_ transactionStatus: TransactionStatus) -> Bool {
        mayDeallocate && transactionStatus == .idle
    }

    mutating func send(transactionStatus: TransactionStatus) -> Next {
        sends += 1
        guard sends <= Self.maxSends else {
            return .failed(PostgresError(.misuse, "the statement layer gave up after \(Self.maxSends) requests for one statement; this is a bug in RealPool"))
        }
        var steps: [PipelineStep] = []
        // Only in front of statements that may run in a transaction block: a pipeline is an
        // implicit one, where VACUUM, CREATE DATABASE, ... are refused.
        let piggyBack: Bool
        switch phase {
        case .plain: piggyBack = query.kind == .preparable
        default: piggyBack = true
        }
        if piggyBack, mayFlush(transactionStatus) {
            sentDeallocations = cache.claimPendingDeallocations()
            steps = sentDeallocations.map { Connection.deallocateStep($0) }
        }
        switch phase {
        case .plain:
            steps.append(.query(query.executableSQL, parameters))
        case .executePrepared(let entry, _):
            executedGeneration = cache.generation(of: entry.name)
            steps.append(.executePrepared(name: entry.name, boundParameters()))
        case .prepare(let execute):
            let name = variant!.name
            cache.markPreparing(name)
            steps.append(.prepare(name: name, sql: match!.target.sql, types: variant!.declaredTypes))
            steps.append(.describePrepared(name: name))
            if execute { steps.append(.executePrepared(name: name, boundParameters())) }
        case .lookUpExisting:
            steps.append(.query("SELECT statement FROM pg_catalog.pg_prepared_statements WHERE name = $1", [.text(variant!.name)]))
        case .describeExisting:
            steps.append(.describePrepared(name: variant!.name))
        }
        return .send(steps)
    }

    /// The target's parameters: the caller's own where the query had a parameter, the literal's
    /// value where it had a literal (text format, read by the declared type's input function, or
    /// as an `unknown` string).
    func boundParameters() -> [PostgresBind] {
        let sources = match!.sources
        // the common case, the caller's own parameters in order: no new array per statement
        if sources.count == parameters.count,
           sources.indices.allSatisfy({ if case .queryParameter(let n) = sources[$0] { n == $0 + 1 } else { false } }) {
            return parameters
        }
        return sources.map { source in
            switch source {
            case .queryParameter(let n): return parameters[n - 1]
            case .literal(let literal): return .text(literal.value)
            }
        }
    }

    // MARK: outcomes

    mutating func finishPlain(_ outcome: Result<QueryResult, PostgresError>) -> Next {
        count(\.plainExecutions)
        switch outcome {
        case .success(let result):
            cache.observe(result, of: query)
            return .finished(result)
        case .failure(let error):
            return .failed(error)
        }
    }

    /// Runs the caller's statement plainly after the rewritten form could not be used; nothing of
    /// the caller's statement has run.
    mutating func fallBackToPlain(transactionStatus: TransactionStatus) -> Next {
        phase = .plain
        return send(transactionStatus: transactionStatus)
    }

    mutating func handleExecute(_ outcome: Result<QueryResult, PostgresError>, entry: StatementCache.Entry, isHit: Bool,
                                transactionStatus: TransactionStatus) -> Next {
        switch outcome {
        case .success(let result):
            if isHit { count(\.hits) }
            return .finished(result)
        case .failure(let error) where (error.sqlState == "26000" || Self.planChanged(error)) && isStale(entry):
            // Multiplexed: the statement was prepared anew after ours was sent (another caller
            // is healing it). Nothing ran and the cache is already being dealt with: run plainly,
            // rather than chase a Parse that may fail too.
            guard startedIdle else { return .failed(error) }
            return fallBackToPlain(transactionStatus: transactionStatus)
        case .failure(let error) where error.sqlState == "26000":
            // The server does not have the statement (DEALLOCATE/DISCARD behind the cache's back,
            // a pooler that switched backends). Bind failed, so nothing ran.
            cache.invalidate(entry.name)
            guard startedIdle else {
                logger.debug("the server no longer has the prepared statement; inside a transaction it cannot be retried", metadata: logMetadata("26000"))
                return .failed(Self.missingInTransaction(error, name: entry.name))
            }
            // Retried once already: something keeps moving the statement away (a pooler in
            // transaction mode hands each request to whichever server connection is free). Bind
            // failed, so nothing ran: the plain statement gives the caller the plain outcome.
            guard !healed else { return fallBackToPlain(transactionStatus: transactionStatus) }
            healed = true
            count(\.repreparesMissing)
            logger.debug("the server no longer has the prepared statement; re-preparing it and retrying once", metadata: logMetadata("26000"))
            phase = decide(transactionStatus: transactionStatus)
            return send(transactionStatus: transactionStatus)
        case .failure(let error) where Self.planChanged(error):
            // DDL changed the result type under the cached plan; the server still has the
            // statement, so it must be deallocated before its name is prepared again.
            cache.retire(entry.name)
            guard startedIdle else {
                logger.debug("DDL changed the prepared statement's result type; inside a transaction it cannot be retried", metadata: logMetadata("0A000"))
                return .failed(Self.schemaChangedInTransaction(error, name: entry.name))
            }
            guard !healed else { return .failed(error) }  // retried once already
            healed = true
            count(\.repreparesPlanChanged)
            logger.debug("DDL changed the prepared statement's result type; re-preparing it and retrying once", metadata: logMetadata("0A000"))
            phase = decide(transactionStatus: transactionStatus)
            return send(transactionStatus: transactionStatus)
        case .failure(let error):
            if isHit { count(\.hits) }
            return .failed(error)
        }
    }

    static func planChanged(_ error: PostgresError) -> Bool {
        error.sqlState == "0A000" && error.routine == "RevalidateCachedQuery"
    }

    /// Whether a newer Parse of the entry's name has been sent since the request in flight.
    func isStale(_ entry: StatementCache.Entry) -> Bool {
        cache.generation(of: entry.name) != executedGeneration
    }

    mutating func handlePrepare(_ outcomes: [Result<QueryResult, PostgresError>], execute: Bool,
                                transactionStatus: TransactionStatus) -> Next {
        let target = match!.target
        let name = variant!.name
        switch outcomes[0] {
        case .failure(let error) where error.sqlState == "42P05":
            // The name is taken on the server by a statement this cache did not create.
            guard startedIdle else { return .failed(Self.nameTakenInTransaction(error, name: name)) }
            // Looked up once already: the name keeps appearing on whichever server connection a
            // pooler picks. Parse failed, so nothing ran: run the caller's statement plainly.
            guard !lookedUp else { return fallBackToPlain(transactionStatus: transactionStatus) }
            lookedUp = true
            count(\.repreparesNameExists)
            logger.debug("the statement name is already taken on the server; looking up its text", metadata: logMetadata("42P05"))
            phase = .lookUpExisting
            return send(transactionStatus: transactionStatus)
        case .failure(let error):
            // The target does not prepare (schema not there yet, or a lifted literal made its parse
            // ambiguous). Nothing ran. Outside a transaction the plain statement gives the caller
            // exactly the plain outcome; inside one the transaction is already aborted.
            registry.recordPrepareFailure(name)
            if startedIdle {
                // a registered target that does not prepare is a configuration problem worth seeing
                logger.warning("a prepare target failed to prepare; running the statement plainly: \(error.message)", metadata: logMetadata(error.sqlState))
                return fallBackToPlain(transactionStatus: transactionStatus)
            }
            return .failed(Self.inCallerTerms(error, target: target, query: query))
        case .success:
            break
        }
        count(\.misses)
        guard outcomes.count > 1, case .success(let description) = outcomes[1] else {
            // Prepared but not described (cannot normally happen): do not keep what we cannot check.
            cache.retire(name)
            if execute, outcomes.count > 2, case .success(let r) = outcomes[2] { return .finished(r) }
            return startedIdle ? fallBackToPlain(transactionStatus: transactionStatus) : .failed(PostgresError(.misuse, "describe of \(name) failed"))
        }
        let entry = StatementCache.Entry(name: name, sql: target.sql, parameterTypes: description.parameterTypes, columns: description.columns)
        count(\.evictions, by: cache.put(entry).count, cachedAlready: true)
        registry.recordPrepared(name, target: target.name, parameterTypes: entry.parameterTypes)
        logger.debug("prepared a statement on this connection", metadata: logMetadata())
        if execute {
            guard outcomes.count > 2 else { return .failed(PostgresError(.misuse, "no result for the execute step")) }
            switch outcomes[2] {
            case .success(let result): return .finished(result)
            case .failure(let error): return .failed(error)
            }
        }
        return executeIfBindable(entry, transactionStatus: transactionStatus)
    }

    /// After learning the parameter types: run the prepared statement when every lifted literal and
    /// typed parameter suits them, otherwise run plainly.
    mutating func executeIfBindable(_ entry: StatementCache.Entry, transactionStatus: TransactionStatus) -> Next {
        if let why = Self.mismatch(match!, parameters: parameters, variant: variant!, types: entry.parameterTypes) {
            countTypeFallback(why)
            phase = .plain
        } else {
            phase = .executePrepared(entry, isHit: false)
        }
        return send(transactionStatus: transactionStatus)
    }

    mutating func handleLookUp(_ outcome: Result<QueryResult, PostgresError>, transactionStatus: TransactionStatus) -> Next {
        let target = match!.target
        let name = variant!.name
        guard case .success(let rows) = outcome else { return fallBackToPlain(transactionStatus: transactionStatus) }
        if let row = rows.first, let text = row.text(0) {
            // A statement of our own that we retired (its plan is stale) has the same text but
            // must not be adopted: it would fail with 0A000 again.
            if text == target.sql, !cache.isPendingStale(name) {
                // Same text, same meaning: adopt it (its types are read by describe).
                phase = .describeExisting
                return send(transactionStatus: transactionStatus)
            }
            // Someone else's statement under our name: deallocate it, then prepare ours.
            cache.retire(name)
        }
        phase = decide(transactionStatus: transactionStatus)
        return send(transactionStatus: transactionStatus)
    }

    mutating func handleDescribeExisting(_ outcome: Result<QueryResult, PostgresError>, transactionStatus: TransactionStatus) -> Next {
        let target = match!.target
        let name = variant!.name
        guard case .success(let description) = outcome else { return fallBackToPlain(transactionStatus: transactionStatus) }
        let entry = StatementCache.Entry(name: name, sql: target.sql, parameterTypes: description.parameterTypes, columns: description.columns)
        count(\.evictions, by: cache.put(entry).count, cachedAlready: true)
        registry.recordPrepared(name, target: target.name, parameterTypes: entry.parameterTypes)
        return executeIfBindable(entry, transactionStatus: transactionStatus)
    }
}
