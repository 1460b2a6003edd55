/// A constant in a query that the shape replaced by a parameter slot.
public struct LiftedLiteral: Sendable, Hashable {
    /// The literal's lexical kind, which decides the types it may bind as.
    public enum Kind: String, Sendable {
        /// A decimal integer, e.g. `42` or `-42`.
        case integer
        /// A decimal number with a fraction and/or an exponent, e.g. `1.5`, `-2e10`, `.5`.
        case numeric
        /// A string constant: `'...'`, `E'...'`, `U&'...'` or dollar-quoted.
        case string
    }

    /// The literal exactly as written in the SQL, including a lifted unary minus, quotes, prefixes,
    /// string continuations and any `UESCAPE` clause, e.g. `'it''s'`, `E'a\n'` or `-42`.
    public let text: String
    /// The value PostgreSQL reads from the literal, to bind as a text-format parameter, e.g.
    /// `it's` for `'it''s'` and `-42` for `-42`.
    public let value: String
    /// Integer, numeric or string.
    public let kind: Kind
    /// UTF-8 byte offset of the literal's first byte (the minus sign, when one was lifted with it)
    /// in the original SQL text, `NormalizedQuery.sql`; for `.question`/`.percent` style this is an
    /// offset in the text as the caller wrote it, not in `executableSQL`.
    public let position: Int

    /// A lifted literal; the normaliser makes these.
    public init(text: String, value: String, kind: Kind, position: Int) {
        self.text = text
        self.value = value
        self.kind = kind
        self.position = position
    }
}
