/// A PostgreSQL type OID, with names for the types RealPool decodes.
public struct PostgresType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type's OID.
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The type with this OID.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Let the server infer the parameter's type, as it does for an untyped literal.
    public static let unspecified = PostgresType(0)
    /// `bool`: boolean.
    public static let bool = PostgresType(16)
    /// `bytea`: binary data.
    public static let bytea = PostgresType(17)
    /// `char`: the one-byte internal `"char"`.
    public static let char = PostgresType(18)
    /// `name`: 63-byte identifiers in the system catalogs.
    public static let name = PostgresType(19)
    /// `int8`: 64-bit integer.
    public static let int8 = PostgresType(20)
    /// `int2`: 16-bit integer.
    public static let int2 = PostgresType(21)
    /// `int4`: 32-bit integer.
    public static let int4 = PostgresType(23)
    /// `text`: variable-length text.
    public static let text = PostgresType(25)
    /// `oid`: object identifier.
    public static let oid = PostgresType(26)
    /// `json`: JSON as text.
    public static let json = PostgresType(114)
    /// `float4`: single-precision float.
    public static let float4 = PostgresType(700)
    /// `float8`: double-precision float.
    public static let float8 = PostgresType(701)
    /// `unknown`: an untyped literal's type.
    public static let unknown = PostgresType(705)
    /// `bpchar`: `char(n)`, blank-padded.
    public static let bpchar = PostgresType(1042)
    /// `varchar`: `varchar(n)`.
    public static let varchar = PostgresType(1043)
    /// `date`: calendar date.
    public static let date = PostgresType(1082)
    /// `time`: time of day without time zone.
    public static let time = PostgresType(1083)
    /// `timestamp`: timestamp without time zone.
    public static let timestamp = PostgresType(1114)
    /// `timestamptz`: timestamp with time zone.
    public static let timestamptz = PostgresType(1184)
    /// `interval`: time span.
    public static let interval = PostgresType(1186)
    /// `numeric`: exact decimal.
    public static let numeric = PostgresType(1700)
    /// `uuid`: UUID.
    public static let uuid = PostgresType(2950)
    /// `jsonb`: binary JSON.
    public static let jsonb = PostgresType(3802)

    static let names: [UInt32: String] = [
        0: "unspecified", 16: "bool", 17: "bytea", 18: "char", 19: "name", 20: "int8", 21: "int2",
        23: "int4", 25: "text", 26: "oid", 114: "json", 700: "float4", 701: "float8", 705: "unknown",
        1042: "bpchar", 1043: "varchar", 1082: "date", 1083: "time", 1114: "timestamp",
        1184: "timestamptz", 1186: "interval", 1700: "numeric", 2950: "uuid", 3802: "jsonb",
    ]

    public var description: String { Self.names[rawValue] ?? "oid \(rawValue)" }

    var isInteger: Bool { self == .int2 || self == .int4 || self == .int8 || self == .oid }
    var isFloat: Bool { self == .float4 || self == .float8 }
}
