/// How the caller writes parameter placeholders in SQL text.
///
/// The style is always chosen explicitly, never guessed: `?` is also a jsonb operator and `%` is
/// modulo, so the same text means different things under different styles.
public enum PlaceholderStyle: String, Sendable, CaseIterable {
    /// PostgreSQL's native `$1`, `$2`, ... . `?` and `%` are operators.
    case dollar
    /// JDBC style: every `?` outside string literals, comments and quoted identifiers is the next
    /// parameter. The jsonb operators `?`, `?|` and `?&` are then unavailable (use the functions
    /// `jsonb_exists`, `jsonb_exists_any`, `jsonb_exists_all` instead).
    case question
    /// psycopg / Django style: `%s` is the next parameter and `%%` a literal `%`, anywhere in the
    /// text (like Python's `%` formatting, which is what those drivers apply). Any other `%` is an
    /// error, reported through `NormalizedQuery.lexError`.
    case percent
}
