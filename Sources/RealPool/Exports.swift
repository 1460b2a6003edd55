// `import RealPool` is all an application writes: every layer's public types come with it
// (`Connection`, `PostgresError`, `StatementCache`, `NormalizedQuery`, `PoolConfiguration`, ...).
@_exported import RealPoolConnection
@_exported import RealPoolConnectionPool
@_exported import RealPoolNormalizer
@_exported import RealPoolStatements
