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
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(name: "CEpoll"),
        .target(
            name: "RealPool",
            dependencies: [
                "CLibPQ",
                "CEpoll",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
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
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
