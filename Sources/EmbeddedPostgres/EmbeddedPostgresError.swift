/// Why a throwaway server could not be provided.
public struct EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }

    static let missingBinaries = EmbeddedPostgresError(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH, via `pg_config --bindir`, or under /usr/lib/postgresql/*/bin. Install them with `apt-get install postgresql` (and `libpq-dev` to build RealPool), or pass a connection string to an existing server."
    )
}
