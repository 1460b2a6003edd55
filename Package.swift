// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "RealPool",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RealPool", targets: ["RealPool"]),
        // A throwaway PostgreSQL server for tests, the CLI and the benchmarks; not part of the library.
        .library(name: "EmbeddedPostgres", targets: ["EmbeddedPostgres"]),
        .executable(name: "prepare-bench", targets: ["prepare-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(name: "CEpoll"),
        // The layers, bottom up; each module sees only what is below it (see ARCHITECTURE.md).
        // One lock for every layer (a pthread mutex ThreadSanitizer understands).
        .target(name: "RealPoolSupport"),
        // SQL text in, query shapes out: pure, no libpq, no I/O.
        .target(name: "RealPoolNormalizer", dependencies: ["RealPoolSupport"]),
        // The pool: a connection is an opaque leased thing; decisions are a pure state machine.
        .target(
            name: "RealPoolConnectionPool",
            dependencies: [
                "RealPoolSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // One libpq connection: protocol, pipeline, values, errors, the socket poller, and the
        // multiplexer that lets several callers share one pipeline. Knows nothing of shapes or pools.
        .target(
            name: "RealPoolConnection",
            dependencies: [
                "CLibPQ",
                "CEpoll",
                "RealPoolSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Prepare targets, the per-connection statement cache and the I/O-free decisions of
        // rewriting and healing, on one connection at a time.
        .target(
            name: "RealPoolStatements",
            dependencies: [
                "RealPoolSupport",
                "RealPoolNormalizer",
                "RealPoolConnection",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The Database façade over all of them; `import RealPool` gives every public type.
        .target(
            name: "RealPool",
            dependencies: [
                "CLibPQ",
                "RealPoolSupport",
                "RealPoolNormalizer",
                "RealPoolConnectionPool",
                "RealPoolConnection",
                "RealPoolStatements",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "EmbeddedPostgres",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "prepare-bench",
            dependencies: [
                "RealPool",
                "EmbeddedPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The CLI's pure parts (workload parsing, CPU lists, ratios, inline literals); no server.
        .testTarget(
            name: "prepare-benchTests",
            dependencies: ["prepare-bench", "RealPool"]
        ),
        .testTarget(
            name: "RealPoolTests",
            dependencies: [
                "RealPool",
                "EmbeddedPostgres",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
