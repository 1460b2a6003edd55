/// Everything the library needs to know about one SQL text: how to run it, its shape, and what
/// kind of statement it is. Immutable and cheap to share; `ShapeCache` keeps one per seen text.
public struct NormalizedQuery: Sendable {
    /// The text as the caller wrote it.
    public let sql: String
    /// The placeholder style `sql` was read with.
    public let style: PlaceholderStyle
    /// `sql` with `?` / `%s` placeholders converted to `$1...$n` and `%%` to `%` (percent style);
    /// nothing else changed. Equal to `sql` for `.dollar`, and when the conversion failed (then
    /// `lexError` says why and the server will report the problem).
    public let executableSQL: String
    /// The shape: tokens separated by single spaces, comments dropped, unquoted words lower-cased,
    /// quoted identifiers exact, a trailing `;` dropped, and every parameter or lifted literal
    /// written as `$k`, numbered by order of appearance (so `$k` in `canonical` is a *slot*, not
    /// necessarily the query's own `$k`). For unlexable text it is the text itself.
    public let canonical: String
    /// FNV-1a 64 of `canonical`'s UTF-8 bytes: stable across processes and platforms.
    public let fingerprint: UInt64
    /// What kind of statement it is: decides whether it may be rewritten, and whether a one-shot
    /// `execute` may run it.
    public let kind: StatementKind
    /// Set exactly when `kind == .transactionControl`.
    public let transactionCommand: TransactionCommand?
    /// Nil when the text lexed fully; otherwise what could not be lexed, and the byte offset.
    public let lexError: String?
    /// The constants replaced by slots in `canonical`, in order of appearance.
    public let literals: [LiftedLiteral]
    /// The highest `$n` the query uses itself (after placeholder conversion); 0 when none.
    public let parameterCount: Int
    /// What fills each slot of `canonical`, in order: the query's own parameter or a literal
    /// (an index into `literals`).
    let slots: [Slot]
    /// Byte ranges of the lifted literals in `executableSQL`, parallel to `literals`.
    let literalRanges: [Range<Int>]

    enum Slot: Sendable, Hashable {
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
