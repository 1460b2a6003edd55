import Foundation
@testable import RealPool
@testable import RealPoolConnection
@testable import RealPoolStatements
@testable import RealPoolNormalizer

/// What a statement produced, in a form two executions can be compared by: rows as text, column
/// names and types, the command tag; or the error's SQLSTATE, message and detail.
enum StatementOutcome: Equatable, CustomStringConvertible {
    struct Column: Equatable {
        var name: String
        var type: PostgresType
        var typeModifier: Int
    }

    case rows(tag: String, columns: [Column], values: [[String?]])
    case error(kind: PostgresError.Kind, sqlState: String?, message: String, detail: String?)

    init(_ body: () throws -> QueryResult) {
        do {
            self = Self(try body())
        } catch let e as PostgresError {
            self = .error(kind: e.kind, sqlState: e.sqlState, message: e.message, detail: e.detail)
        } catch {
            self = .error(kind: .misuse, sqlState: nil, message: "\(error)", detail: nil)
        }
    }

    init(_ body: () async throws -> QueryResult) async {
        do {
            self = Self(try await body())
        } catch let e as PostgresError {
            self = .error(kind: e.kind, sqlState: e.sqlState, message: e.message, detail: e.detail)
        } catch {
            self = .error(kind: .misuse, sqlState: nil, message: "\(error)", detail: nil)
        }
    }

    init(_ result: QueryResult) {
        // The table OID is left out: each side has its own schema, hence its own tables.
        let columns = result.columns.map { Column(name: $0.name, type: $0.type, typeModifier: $0.typeModifier) }
        let values = result.map { row in (0..<row.count).map { row.text($0) } }
        self = .rows(tag: result.commandTag, columns: columns, values: values)
    }

    var description: String {
        switch self {
        case .rows(let tag, let columns, let values):
            return "\(tag) \(columns.map { "\($0.name):\($0.type)" }) \(values)"
        case .error(let kind, let sqlState, let message, let detail):
            return "\(kind) \(sqlState ?? "-") \(message)\(detail.map { " / " + $0 } ?? "")"
        }
    }
}

/// Fixtures/statements/differential.json.
enum StatementFixtures {
    struct Corpus: Decodable {
        var setup: [String]
        var targets: [Target]
        var cases: [Case]
    }

    struct Target: Decodable {
        var sql: String
        var style: String?
    }

    struct Case: Decodable {
        var name: String
        var sql: String
        var style: String?
        var params: [Parameter?]
        var expect: String
    }

    /// A text value, or {"value": ..., "type": ...} for a typed one.
    struct Parameter: Decodable {
        var value: String
        var type: String?

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                value = text
                type = nil
                return
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            value = try c.decode(String.self, forKey: .value)
            type = try c.decodeIfPresent(String.self, forKey: .type)
        }

        enum CodingKeys: String, CodingKey { case value, type }

        var bind: PostgresBind {
            guard let type else { return .text(value) }
            let oid = PostgresType.names.first { $0.value == type }?.key
            return .text(value, type: PostgresType(oid ?? 0))
        }
    }

    static let corpus: Corpus = {
        let url = root().appendingPathComponent("Fixtures/statements/differential.json")
        do {
            return try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    /// The package root that holds the fixture, found from this file's real location (a scratch
    /// package may reach it through a symlinked folder).
    static func root(from file: String = #filePath) -> URL {
        var directory = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Fixtures/statements").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("Fixtures/statements not found above \(file)")
    }

    static func style(_ name: String?) -> PlaceholderStyle {
        name.flatMap(PlaceholderStyle.init(rawValue:)) ?? .dollar
    }
}

/// Helpers shared by the statement tests.
enum StatementTesting {
    /// Creates a schema of its own on the connection, puts it first on the search path and runs
    /// `setup` there, so that concurrent tests (and the two sides of a differential test) never
    /// share tables.
    static func isolate(_ connection: Connection, setup: [String] = []) async throws -> String {
        let schema = TestServer.uniqueName("stmt")
        _ = try await connection.simpleQuery("CREATE SCHEMA \(schema); SET search_path TO \(schema), public")
        for sql in setup { _ = try await connection.simpleQuery(sql) }
        return schema
    }

    static func preparedCount(_ connection: Connection, name: String) async throws -> Int {
        try await connection.query("SELECT count(*) FROM pg_prepared_statements WHERE name = $1", [name])[0].decode(Int.self, column: 0)
    }

    static func preparedNames(_ connection: Connection) async throws -> Set<String> {
        Set(try await connection.query("SELECT name FROM pg_prepared_statements").compactMap { $0.text(0) })
    }

    static let shapes = ShapeCache(capacity: 256)

    /// Runs `sql` through the runner on the connection, normalising it as the façade would.
    static func run(_ runner: StatementRunner, _ sql: String, _ parameters: [PostgresBind] = [], style: PlaceholderStyle = .dollar,
                    on connection: Connection, cache: StatementCache) async throws -> QueryResult {
        try await runner.execute(shapes.normalize(sql, style: style), parameters, on: connection, cache: cache)
    }
}
