import ServiceLifecycle
import RealPoolConnection
import RealPoolStatements
import RealPoolNormalizer
import RealPoolConnectionPool

/// `Database` as a swift-service-lifecycle `Service`: an application's `ServiceGroup` owns the
/// pool's life. `run()` returns once the group shuts down gracefully (SIGTERM, say) or its task is
/// cancelled, after `shutdown()`: waiting callers fail, idle connections close, and leased ones
/// close when they come back or, at `shutdownGracePeriod`, are cancelled and closed.
///
/// ```swift
/// let db = Database(config)
/// let group = ServiceGroup(services: [db, httpServer], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
///
/// Without a service group nothing changes: the pool works from `init`, and `shutdown()` ends it.
/// The background work (connects, timers, pings) starts in the pool as it is needed either way;
/// `run()` ties its end to the application's lifecycle.
extension Database: Service {
    public func run() async throws {
        // Returns when the group asks for a graceful shutdown; throws when the task is cancelled.
        // Either way the pool is shut down before `run()` returns.
        try? await gracefulShutdown()
        await shutdown()
    }
}
