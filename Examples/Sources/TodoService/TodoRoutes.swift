import Hummingbird
import Prometheus
import RealPool

/// The HTTP API. Handlers only translate between HTTP and `TodoStore`; nothing here holds a
/// database connection across an `await` of anything but the database itself.
enum TodoRoutes {
    static func router(store: TodoStore, registry: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        // HTTP request counts and durations, into the same Prometheus registry as the pool's
        router.add(middleware: MetricsMiddleware())

        router.post("todos") { request, context -> EditedResponse<Todo> in
            let new = try await request.decode(as: NewTodo.self, context: context)
            return EditedResponse(status: .created, response: try await store.insert(title: new.title))
        }
        router.get("todos") { request, _ -> [Todo] in
            let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 100
            return try await store.list(limit: max(1, min(limit, 1000)))
        }
        router.get("todos/:id") { _, context -> Todo in
            let id = try context.parameters.require("id", as: Int.self)
            guard let todo = try await store.find(id: id) else { throw HTTPError(.notFound) }
            return todo
        }
        router.post("todos/:id/complete") { _, context -> Todo in
            let id = try context.parameters.require("id", as: Int.self)
            guard let todo = try await store.complete(id: id) else { throw HTTPError(.notFound) }
            return todo
        }

        // One row per physical connection (backend PID, state, who holds it and for how long,
        // last statement), then the counters: for a person looking at one process.
        router.get("pool") { _, _ -> String in
            store.db.report().description + "\n"
        }
        // The same counters as JSON, for scripts.
        router.get("pool/statistics") { _, _ -> [String: Int] in
            store.db.statistics.asDictionary()
        }
        // For Prometheus to scrape: every process exports its own figures, the monitoring system
        // aggregates them.
        router.get("metrics") { _, _ -> Response in
            var text: [UInt8] = []
            text.reserveCapacity(16 * 1024)
            registry.emit(into: &text)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        return router
    }
}
