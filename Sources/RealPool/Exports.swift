// `import RealPool` is all an application writes: the normaliser's and the pool's public types
// (`NormalizedQuery`, `PlaceholderStyle`, `PoolConfiguration`, `PoolError`, ...) come with it.
@_exported import RealPoolConnectionPool
@_exported import RealPoolNormalizer
