/// One parameter value as it goes over the wire: its bytes (nil for NULL), its format and its type.
///
/// Parameters are always bound, never spliced into SQL text.
public struct PostgresBind: Sendable, Hashable {
    /// How the bytes are to be read: PostgreSQL's text form, or its binary form (`bytea` only here).
    public enum Format: Int32, Sendable {
        /// PostgreSQL's text input form, as in SQL literals.
        case text = 0
        /// The type's binary send/receive form.
        case binary = 1
    }
    /// The value's bytes; nil for NULL.
    public var bytes: [UInt8]?
    /// Text or binary.
    public var format: Format
    /// The parameter's type; `.unspecified` lets the server infer it, as for an untyped literal.
    public var type: PostgresType

    /// A parameter from raw bytes; nil bytes is NULL.
    public init(bytes: [UInt8]?, format: Format = .text, type: PostgresType = .unspecified) {
        self.bytes = bytes
        self.format = format
        self.type = type
    }

    /// SQL NULL.
    public static let null = PostgresBind(bytes: nil)

    /// A text-format value; the server infers its type unless one is given.
    public static func text(_ s: String, type: PostgresType = .unspecified) -> PostgresBind {
        PostgresBind(bytes: Array(s.utf8), format: .text, type: type)
    }
}

/// A Swift value that can be sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    /// The value as it goes over the wire.
    var postgresBind: PostgresBind { get }
}
