import Foundation
import RealPool

/// Creates the fixture schema `realpool_bench`, loads schema.sql and data.sql into it, checks the
/// workloads' SQL against it, and drops it at the end (unless `--keep`).
struct FixtureLoader: Sendable {
    static let schemaName = "realpool_bench"
    let directory: FixtureDirectory
    let connectionString: String

    func connect() async throws -> Connection {
        do {
            let connection = try await Connection.connect(ConnectionConfiguration(connectionString, connectTimeout: .seconds(10), applicationName: "prepare-bench"))
            _ = try await connection.simpleQuery("SET client_min_messages = warning")
            return connection
        } catch let error as PostgresError where error.kind == .connectionFailed || error.kind == .timeout {
            throw BenchError("cannot connect to the server: \(BenchError.oneLine(error))")
        }
    }

    /// Loads the fixtures; returns the variables workloads can use: the row count of every fixture
    /// table (`{users}`, ...) and `{scale}`.
    func load(scale: Int) async throws -> (variables: [String: Int], serverVersion: String) {
        let schemaSQL = try read(directory.schema)
        let dataSQL = try read(directory.data)
        let connection = try await connect()
        defer { connection.close() }
        let schema = Connection.quoteIdentifier(Self.schemaName)
        do {
            _ = try await connection.simpleQuery("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema); SET search_path = \(schema); SET realpool_bench.scale = \(scale)")
        } catch {
            throw BenchError("cannot create the schema \(Self.schemaName): \(BenchError.oneLine(error))")
        }
        do { _ = try await connection.simpleQuery(schemaSQL) } catch {
            throw BenchError("\(directory.schema.path): \(BenchError.oneLine(error))")
        }
        do { _ = try await connection.simpleQuery(dataSQL) } catch {
            throw BenchError("\(directory.data.path): \(BenchError.oneLine(error))")
        }
        var variables = ["scale": scale]
        let tables = try await connection.query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1", [Self.schemaName])
        for row in tables {
            guard let table = row[0] else { continue }
            let count = try await connection.query("SELECT count(*) FROM \(Connection.quoteIdentifier(table))")
            variables[table] = Int(count[0][0] ?? "0") ?? 0
        }
        let version = connection.parameterStatus("server_version") ?? "?"
        return (variables, version)
    }

    /// Prepares every statement of the workload once (without running it) so that invalid SQL or
    /// a wrong number of `param` lines is one clear error before any measurement.
    func validate(_ workloads: [Workload]) async throws {
        let connection = try await connect()
        defer { connection.close() }
        _ = try await connection.simpleQuery("SET search_path = \(Connection.quoteIdentifier(Self.schemaName))")
        for workload in workloads {
            for request in workload.requests {
                for statement in request.statements {
                    let place = "\(workload.source):\(statement.line) (request \(request.name))"
                    let types: [PostgresType]
                    do {
                        try await connection.prepare(name: "prepare_bench_check", sql: statement.sql)
                        types = try await connection.describePrepared(name: "prepare_bench_check").parameterTypes
                        try await connection.deallocate(name: "prepare_bench_check")
                    } catch {
                        throw BenchError("\(place): the server rejects this SQL: \(BenchError.oneLine(error))")
                    }
                    if types.count != statement.parameters.count {
                        throw BenchError("\(place): the SQL takes \(types.count) parameter(s) but \(statement.parameters.count) `param` line(s) follow it")
                    }
                }
            }
        }
    }

    func drop() async {
        guard let connection = try? await connect() else { return }
        defer { connection.close() }
        _ = try? await connection.simpleQuery("SET lock_timeout = '5s'; DROP SCHEMA IF EXISTS \(Connection.quoteIdentifier(Self.schemaName)) CASCADE")
    }

    /// For the SIGINT handler: a blocking drop on the calling thread.
    func dropBlocking() {
        guard let connection = try? Connection.connect(ConnectionConfiguration(connectionString, connectTimeout: .seconds(5), applicationName: "prepare-bench")) else { return }
        defer { connection.close() }
        _ = try? connection.simpleQuery("SET lock_timeout = '3s'; DROP SCHEMA IF EXISTS \(Connection.quoteIdentifier(Self.schemaName)) CASCADE")
    }

    private func read(_ url: URL) throws -> String {
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw BenchError("cannot read \(url.path): \(error.localizedDescription)")
        }
    }
}
