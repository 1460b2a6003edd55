/// One token of SQL text, as byte offsets into the lexed UTF-8 buffer. Whitespace and comments
/// produce no tokens.
struct SQLToken: Sendable {
    enum Kind: UInt8, Sendable {
        /// An unquoted identifier or keyword; compared and rendered lower-cased (ASCII only, as
        /// PostgreSQL folds with a multi-byte server encoding).
        case word
        /// `"..."` or `U&"..."`; `decoded` holds the identifier when it is not the raw text.
        case quotedIdentifier
        /// `'...'`, `E'...'`, `U&'...'`, `N'...'` (after a synthetic `nchar` word), `$tag$...$tag$`.
        case string
        /// `B'...'`: a `bit` constant; part of the shape, never lifted.
        case bitString
        /// `X'...'`: a `bit` constant; part of the shape, never lifted.
        case hexString
        case integer
        case numeric
        /// `$n`; `number` is n.
        case parameter
        /// `?` when lexing JDBC-style text for placeholder positions.
        case placeholder
        /// An operator by scan.l's rules, including `=`, `<`, `+`, `::`, `:=`, `=>`, `..`, `:`.
        case op
        /// `(`, `)`, `[`, `]`, `,`, `;`, `.`.
        case punctuation
    }

    var kind: Kind
    var start: Int
    var end: Int
    /// Parameter number for `.parameter`; for `.word`, 1 for the synthetic `nchar` of `N'...'`.
    var number: Int = 0
    /// The content of a string or quoted identifier when it differs from `valueStart..<valueEnd`
    /// of the source (escapes, doubled quotes, continuations).
    var decoded: [UInt8]? = nil
    var valueStart: Int = 0
    var valueEnd: Int = 0
}
