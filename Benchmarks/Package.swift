// swift-tools-version:6.0
import PackageDescription

// Benchmarks live in their own package so that comparison-only dependencies never enter the
// library's dependency graph. Run: swift run -c release --package-path Benchmarks RealPoolBenchmarks
let package = Package(
    name: "RealPoolBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // comparison only: never a dependency of the library
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "RealPoolBenchmarks",
            dependencies: [
                .product(name: "RealPool", package: "main"),
                .product(name: "EmbeddedPostgres", package: "main"),
            ]
        ),
        .executableTarget(
            name: "PeerComparison",
            dependencies: [
                .product(name: "RealPool", package: "main"),
                .product(name: "EmbeddedPostgres", package: "main"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
