/// One parameter value as it goes over the wire: its bytes (nil for NULL), its format and its type.
///
/// Parameters are always bound, never spliced into SQL text.
public struct PostgresBind: Sendable, Hashable {
    public enum Format: Int32, Sendable { case text = 0, binary = 1 }
    public var bytes: [UInt8]?
    public var format: Format
    public var type: PostgresType

    public init(bytes: [UInt8]?, format: Format = .text, type: PostgresType = .unspecified) {
        self.bytes = bytes
        self.format = format
        self.type = type
    }

    public static let null = PostgresBind(bytes: nil)

    /// A text-format value; the server infers its type unless one is given.
    public static func text(_ s: String, type: PostgresType = .unspecified) -> PostgresBind {
        PostgresBind(bytes: Array(s.utf8), format: .text, type: type)
    }
}

/// A Swift value that can be sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    var postgresBind: PostgresBind { get }
}
