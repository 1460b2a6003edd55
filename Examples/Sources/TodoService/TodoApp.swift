import EmbeddedPostgres
import Hummingbird
import Logging
import Metrics
import Prometheus
import RealPool

/// A small HTTP service on RealPool: a todo list with a prepared hot lookup, a transaction, and
/// the pool's metrics for Prometheus. See Examples/README.md.
@main
enum TodoApp {
    static func main() async throws {
        let settings = ServiceConfiguration()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "TodoService")

        // Before the Database exists: RealPool creates its gauges, counters and timers with it.
        let registry = PrometheusCollectorRegistry()
        var metrics = PrometheusMetricsFactory(registry: registry)
        // The default buckets start at 5 ms; most statements on a nearby server take far less.
        metrics.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        MetricsSystem.bootstrap(metrics)

        let embedded: EmbeddedPostgres?
        var configuration: DatabaseConfiguration
        if let url = settings.databaseURL {
            embedded = nil
            configuration = DatabaseConfiguration(url)
        } else {
            logger.info("DATABASE_URL is not set: starting a throwaway PostgreSQL (deleted on exit)")
            let server = try EmbeddedPostgres.start(logger: logger)
            embedded = server
            configuration = DatabaseConfiguration(server.connectionString)
        }
        defer { embedded?.stop() }
        configuration.name = "todos"  // the pool's name in every metric label and log line
        configuration.pool.maxConnections = settings.maxConnections
        configuration.logger = Logger(label: "RealPool")
        let db = Database(configuration)

        do {
            let store = TodoStore(db: db)
            try await store.migrate()
            let app = Application(
                router: TodoRoutes.router(store: store, registry: registry),
                configuration: ApplicationConfiguration(
                    address: .hostname(settings.host, port: settings.port), serverName: "TodoService"),
                logger: logger)
            // runs until SIGINT or SIGTERM, then stops accepting and finishes what is in flight
            try await app.runService()
        } catch {
            logger.error("TodoService stopped: \(error)")
            await db.shutdown()
            throw error
        }
        await db.shutdown()
    }
}
