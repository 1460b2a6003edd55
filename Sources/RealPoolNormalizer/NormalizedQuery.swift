/// Everything the library needs to know about one SQL text: how to run it, its shape, and what
/// kind of statement it is. Immutable and cheap to share; `ShapeCache` keeps one per seen text.
public struct NormalizedQuery: Sendable {
    // One reference: a query travels by value through every layer of a statement's path (shape
    // cache, statement layer, statistics), and a dozen fields copied and retained at each step
    // cost more than the lookup that produced them.
    private let storage: Storage

    private final class Storage: Sendable {
        let sql: String
        let style: PlaceholderStyle
        let executableSQL: String
        let canonical: String
        let fingerprint: UInt64
        let kind: StatementKind
        let transactionCommand: TransactionCommand?
        let lexError: String?
        let literals: [LiftedLiteral]
        let parameterCount: Int
        let slots: [Slot]
        let literalRanges: [Range<Int>]
        let executableSQLContainsNUL: Bool

        init(sql: String, style: PlaceholderStyle, executableSQL: String, canonical: String, fingerprint: UInt64,
             kind: StatementKind, transactionCommand: TransactionCommand?, lexError: String?, literals: [LiftedLiteral],
             parameterCount: Int, slots: [Slot], literalRanges: [Range<Int>]) {
            self.sql = sql
            self.style = style
            self.executableSQL = executableSQL
            self.canonical = canonical
            self.fingerprint = fingerprint
            self.kind = kind
            self.transactionCommand = transactionCommand
            self.lexError = lexError
            self.literals = literals
            self.parameterCount = parameterCount
            self.slots = slots
            self.literalRanges = literalRanges
            self.executableSQLContainsNUL = executableSQL.utf8.contains(0)
        }
    }

    init(sql: String, style: PlaceholderStyle, executableSQL: String, canonical: String, fingerprint: UInt64,
         kind: StatementKind, transactionCommand: TransactionCommand?, lexError: String?, literals: [LiftedLiteral],
         parameterCount: Int, slots: [Slot], literalRanges: [Range<Int>]) {
        storage = Storage(sql: sql, style: style, executableSQL: executableSQL, canonical: canonical, fingerprint: fingerprint,
                          kind: kind, transactionCommand: transactionCommand, lexError: lexError, literals: literals,
                          parameterCount: parameterCount, slots: slots, literalRanges: literalRanges)
    }

    /// Whether both are the very same normalisation (one shape-cache entry), not just equal.
    package func isSameInstance(as other: NormalizedQuery) -> Bool { storage === other.storage }

    /// The text as the caller wrote it.
    public var sql: String { storage.sql }
    /// The placeholder style `sql` was read with.
    public var style: PlaceholderStyle { storage.style }
    /// `sql` with `?` / `%s` placeholders converted to `$1...$n` and `%%` to `%` (percent style);
    /// nothing else changed. Equal to `sql` for `.dollar`, and when the conversion failed (then
    /// `lexError` says why and the server will report the problem).
    public var executableSQL: String { storage.executableSQL }
    /// The shape: tokens separated by single spaces, comments dropped, unquoted words lower-cased,
    /// quoted identifiers exact, a trailing `;` dropped, and every parameter or lifted literal
    /// written as `$k`, numbered by order of appearance (so `$k` in `canonical` is a *slot*, not
    /// necessarily the query's own `$k`). For unlexable text it is the text itself.
    public var canonical: String { storage.canonical }
    /// FNV-1a 64 of `canonical`'s UTF-8 bytes: stable across processes and platforms.
    public var fingerprint: UInt64 { storage.fingerprint }
    /// What kind of statement it is: decides whether it may be rewritten, and whether a one-shot
    /// `execute` may run it.
    public var kind: StatementKind { storage.kind }
    /// Set exactly when `kind == .transactionControl`.
    public var transactionCommand: TransactionCommand? { storage.transactionCommand }
    /// Nil when the text lexed fully; otherwise what could not be lexed, and the byte offset.
    public var lexError: String? { storage.lexError }
    /// The constants replaced by slots in `canonical`, in order of appearance.
    public var literals: [LiftedLiteral] { storage.literals }
    /// The highest `$n` the query uses itself (after placeholder conversion); 0 when none.
    public var parameterCount: Int { storage.parameterCount }
    /// What fills each slot of `canonical`, in order: the query's own parameter or a literal
    /// (an index into `literals`).
    package var slots: [Slot] { storage.slots }
    /// Byte ranges of the lifted literals in `executableSQL`, parallel to `literals`.
    var literalRanges: [Range<Int>] { storage.literalRanges }
    /// Whether `executableSQL` has a NUL byte, which PostgreSQL cannot take: checked once here
    /// rather than scanned again for every execution.
    package var executableSQLContainsNUL: Bool { storage.executableSQLContainsNUL }

    package enum Slot: Sendable, Hashable {
        case parameter(Int)
        case literal(Int)
    }

    /// `fingerprint` as 16 lower-case hexadecimal digits.
    public var fingerprintHex: String { Fingerprint.hex(fingerprint) }

    /// Whether the statement may be prepared (`kind == .preparable`).
    public var isPreparable: Bool { kind == .preparable }

    /// Whether the text lexed fully (`lexError == nil`).
    public var isLexable: Bool { lexError == nil }
}
