/// SQL with bound parameters, built by string interpolation: every interpolated value becomes a
/// `$n` parameter, never text spliced into the SQL.
///
/// ```swift
/// try await db.execute("SELECT name FROM users WHERE id = \(id) AND status = \(status)")
/// // sends: SELECT name FROM users WHERE id = $1 AND status = $2   with [id, status]
/// ```
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation {
    public var sql: String
    public var parameters: [PostgresBind]

    public init(unsafeSQL sql: String, parameters: [PostgresBind] = []) {
        self.sql = sql
        self.parameters = parameters
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.parameters = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.parameters = stringInterpolation.parameters
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var parameters: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            parameters.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parameters.append(value.postgresBind)
            sql += "$\(parameters.count)"
        }

        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            parameters.append(value?.postgresBind ?? .null)
            sql += "$\(parameters.count)"
        }

        /// Splices trusted SQL text (an identifier you built yourself, say). Never pass user input.
        public mutating func appendInterpolation(unsafeRaw sql: String) { self.sql += sql }
    }
}
